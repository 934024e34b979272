from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForeignAffairsConfig(AppConfig):
    name = "foreign_affairs"
    verbose_name = _("Foreign affairs portal")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from foreign_affairs import (
            accounts,  # noqa: F401  (the idle clock starts at login)
            checks,  # noqa: F401  (registers system checks)
        )

        autodiscover_modules("search", "deadlines", "dashboard", "workflows", "rules")
