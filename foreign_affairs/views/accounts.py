"""The user's own account: changing their password (issue 10 §3)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from foreign_affairs.forms import bootstrap_widgets


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: the old one is required, the new one passes
    `AUTH_PASSWORD_VALIDATORS`; the user stays logged in here, other sessions end (Django
    keys sessions to the password hash), and the dashboard says it worked."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        bootstrap_widgets(form)
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response
