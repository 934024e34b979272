from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from foreign_affairs.attachments import attachment_download, attachment_inline, attachment_view
from foreign_affairs.views.accounts import PasswordChangeView
from foreign_affairs.views.autocomplete import AutocompleteView
from foreign_affairs.views.calendar import CalendarTokenView, MonthView, calendar_feed
from foreign_affairs.views.home import DeadlineListView, HomeView
from foreign_affairs.views.search import SearchView
from foreign_affairs.views.workflow import InboxItemDoneView, InboxView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("partners/", include("partners.urls")),
    path("exchanges/", include("exchanges.urls")),
    path("faculty/", include("faculty.urls")),
    path("reports/", include("reports.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path(
        "autocomplete/<str:app_label>/<str:model_name>/",
        AutocompleteView.as_view(),
        name="autocomplete",
    ),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("deadlines/", DeadlineListView.as_view(), name="deadlines"),
    path("inbox/<int:pk>/done/", InboxItemDoneView.as_view(), name="inbox_done"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("calendar/", CalendarTokenView.as_view(), name="calendar"),
    path("calendar/month/", MonthView.as_view(), name="calendar_month"),
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field_name>/",
        attachment_download,
        name="attachment",
    ),
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field_name>/view/",
        attachment_view,
        name="attachment_view",
    ),
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field_name>/inline/",
        attachment_inline,
        name="attachment_inline",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
