"""Views of the shared layer."""

from django.apps import apps
from django.views.generic import TemplateView

from foreign_affairs.models import is_history_model
from foreign_affairs.roles import DOMAIN_APPS


class HomeView(TemplateView):
    """The start page: what the signed-in user may open (the dashboard comes later)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sections = []
        for label in DOMAIN_APPS:
            config = apps.get_app_config(label)
            models = [
                model._meta
                for model in config.get_models()
                if not is_history_model(model)
                and user.has_perm(f"{label}.view_{model._meta.model_name}")
            ]
            if models:
                sections.append({"app": config, "models": models})
        return super().get_context_data(sections=sections, **kwargs)
