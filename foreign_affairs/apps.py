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
            collation,  # noqa: F401  (SQLite's pinyin collation on every connection)
        )
        from foreign_affairs.countries import sort_countries_by_pinyin
        from foreign_affairs.roles import name_groups_by_role

        sort_countries_by_pinyin()
        name_groups_by_role()
        # django-axes names its admin section by its label ("Axes").
        self.apps.get_app_config("axes").verbose_name = _("Login lockouts")

        autodiscover_modules("search", "deadlines", "dashboard", "workflows", "rules")
