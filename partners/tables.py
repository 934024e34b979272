import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from foreign_affairs.collation import pinyin_order
from foreign_affairs.countries import country_order
from foreign_affairs.exports import yes_no
from foreign_affairs.regions import is_belt_and_road, is_greater_bay_area, region_kind
from foreign_affairs.tables import DateColumn, ObjectTable
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionTable(ObjectTable):
    priorities = {"country": 1, "kind": 2, "status": 2, "last_interaction_on": 2}
    priorities |= dict.fromkeys(
        ("name_en", "city", "region", "belt_and_road", "greater_bay_area", "since"), 3
    )
    text_columns = ("name_zh", "name_en", "city")
    short_headers = {"last_interaction_on": pgettext_lazy("short header", "Last contact")}
    name_zh = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by="country")
    region = tables.Column(verbose_name=_("region"), accessor="region_kind__label", orderable=False)
    belt_and_road = tables.BooleanColumn(
        verbose_name=pgettext_lazy("column", "Belt and Road"),
        accessor="is_belt_and_road",
        orderable=False,
    )
    greater_bay_area = tables.BooleanColumn(
        verbose_name=pgettext_lazy("column", "Greater Bay Area"),
        accessor="is_greater_bay_area",
        orderable=False,
    )
    last_interaction_on = DateColumn(verbose_name=_("last interaction"))
    # Exports read the country code and compute each label once (foreign_affairs.exports).
    export_values = {
        "region": (("country",), lambda code: str(region_kind(code).label)),
        "belt_and_road": (("country",), lambda code: yes_no(is_belt_and_road(code))),
        "greater_bay_area": (
            ("country", "city"),
            lambda code, city: yes_no(is_greater_bay_area(code, city)),
        ),
    }

    def order_name_zh(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "name_zh")

    def order_country(self, queryset, is_descending):
        return country_order(queryset, is_descending, "country")

    class Meta(ObjectTable.Meta):
        model = Institution
        order_by = "name_zh"  # in pinyin: order_name_zh
        fields = ("name_zh", "name_en", "kind", "country", "city", "status", "since")
        sequence = (
            *fields[:5],
            "region",
            "belt_and_road",
            "greater_bay_area",
            *fields[5:],
            "last_interaction_on",
        )


class AgreementTable(ObjectTable):
    priorities = {"valid_until": 1, "kind": 3, "signed_on": 3, "quota_per_year": 3}
    text_columns = ("title", "institution")
    short_headers = {"quota_per_year": pgettext_lazy("short header", "Places")}
    title = tables.Column(linkify=True)
    institution = tables.Column(linkify=True)
    status = tables.Column(verbose_name=_("status"), accessor="state", order_by=("state",))
    export_values = {"status": (("state",), Agreement.State)}  # the `with_state` annotation

    def render_status(self, record):
        return record.get_state_display()

    def value_status(self, record):
        return record.get_state_display()

    def order_title(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "title")

    def order_institution(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "institution__name_zh")

    class Meta(ObjectTable.Meta):
        model = Agreement
        fields = (
            "title",
            "institution",
            "kind",
            "status",
            "signed_on",
            "valid_until",
            "quota_per_year",
        )
        sequence = fields
        row_attrs = {"class": lambda record: _agreement_row_class(record)}


def _agreement_row_class(record) -> str:
    if record.state == Agreement.State.EXPIRED:
        return "table-danger"
    return "table-warning" if record.state == Agreement.State.EXPIRING else ""


class ContactTable(ObjectTable):
    priorities = {"phone": 1, "wechat": 3, "is_primary": 3}
    text_columns = ("name", "institution", "title", "email")
    short_headers = {"is_primary": pgettext_lazy("short header", "Primary")}
    name = tables.Column(linkify=True)
    institution = tables.Column(linkify=True)

    def order_name(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "name")

    def order_institution(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "institution__name_zh", "name")

    class Meta(ObjectTable.Meta):
        model = Contact
        order_by = "institution"  # in pinyin: order_institution
        fields = ("name", "institution", "title", "email", "phone", "wechat", "is_primary")
        sequence = fields


class InteractionTable(ObjectTable):
    priorities = {"institution": 1, "participants": 3}
    text_columns = ("institution", "summary", "participants")
    date = DateColumn(linkify=True)
    institution = tables.Column(linkify=True)

    def order_institution(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "institution__name_zh")

    class Meta(ObjectTable.Meta):
        model = Interaction
        fields = ("date", "institution", "kind", "summary", "participants")
        sequence = fields
