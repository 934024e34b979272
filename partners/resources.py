"""Excel import of partner institutions (one row per institution, keyed by its Chinese name)."""

from foreign_affairs.imports import ImportResource
from partners.models import Institution


class InstitutionResource(ImportResource):
    import_key = ("name_zh",)
    column_aliases = {"name_zh": ("中文名称",), "name_en": ("英文名",), "website": ("网址",)}

    class Meta:
        model = Institution
        fields = (
            "name_zh",
            "name_en",
            "short_name",
            "kind",
            "country",
            "city",
            "website",
            "status",
            "since",
            "notes",
        )
