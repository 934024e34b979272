from django.urls import path

from foreign_affairs.routing import object_urls
from partners import views
from partners.models import Agreement, Contact, Institution, Interaction

app_name = "partners"

urlpatterns = [
    *object_urls(
        Agreement,
        prefix="agreements/",
        list_view=views.AgreementListView,
        detail_view=views.AgreementView,
        edit_view=views.AgreementEditView,
    ),
    *object_urls(
        Contact,
        prefix="contacts/",
        list_view=views.ContactListView,
        detail_view=views.ContactView,
        edit_view=views.ContactEditView,
    ),
    *object_urls(
        Interaction,
        prefix="interactions/",
        list_view=views.InteractionListView,
        detail_view=views.InteractionView,
        edit_view=views.InteractionEditView,
    ),
    path("import/", views.InstitutionImportView.as_view(), name="institution_import"),
    *object_urls(
        Institution,
        list_view=views.InstitutionListView,
        detail_view=views.InstitutionView,
        edit_view=views.InstitutionEditView,
    ),
]
