import django_tables2 as tables
from django.apps import apps
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from faculty.models import (
    EXPIRY_STATE_LABELS,
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from faculty.rules import checklist_of, teacher_checklist
from faculty.selectors import TEACHER_FACT_LABELS, teacher_facts_by_pk
from foreign_affairs.collation import pinyin_order
from foreign_affairs.countries import country_order
from foreign_affairs.dashboard import cached_computation, data_stamp, source_stamp
from foreign_affairs.exports import Bulk, from_instance
from foreign_affairs.tables import DateColumn, ObjectTable

EXPIRY_ROW_CLASSES = {"expired": "table-danger", "expiring": "table-warning"}


def legal_status_text(checklist) -> str:
    """Return the worst state of a checklist and how many items are not in order."""
    label = checklist.worst_label
    return f"{label}（{checklist.open_count}）" if checklist.open_count else label


def legal_status_texts(teachers) -> dict[int, str]:
    """{pk: legal status text} of every teacher of a queryset as of today, in three queries.

    Kept in the cache until a teacher, document or change is saved or deleted (their versions,
    and what their tables hold: `data_stamp`, for a write made elsewhere), the day, the
    language or the rules' code or settings change (`cached_computation`): the rules take
    ~0.1 ms a teacher (22 of them), over a second for an export of 10k teachers (issue 12)."""

    def compute():
        return {
            pk: legal_status_text(checklist_of(facts))
            for pk, facts in teacher_facts_by_pk(teachers).items()
        }

    sql, params = teachers.order_by().values("pk").query.sql_with_params()
    code = source_stamp("faculty.rules", "faculty.selectors", "foreign_affairs.compliance")
    tables = data_stamp(*(apps.get_model(label) for label in TEACHER_FACT_LABELS))
    parts = (sql, params, code, tables)
    return cached_computation("legal-status", TEACHER_FACT_LABELS, parts, compute)


class ForeignTeacherTable(ObjectTable):
    priorities = {"legal_status": 1, "gender": 3, "employment": 3, "subjects": 3}
    priorities |= {"highest_degree": 3}
    text_columns = ("name", "department", "subjects")
    # django-tables2 cannot resolve "__str__" (it splits accessors on "__"): render the name.
    name = tables.Column(
        verbose_name=pgettext_lazy("person", "name"),
        accessor="family_name",
        linkify=True,
        order_by=("family_name", "given_name"),
    )
    nationality = tables.Column(accessor="nationality__name", order_by="nationality")
    category = tables.Column(verbose_name=_("category"), accessor="category", orderable=False)
    legal_status = tables.Column(
        verbose_name=_("legal status"), accessor="pk", orderable=False, empty_values=()
    )

    def order_nationality(self, queryset, is_descending):
        return country_order(queryset, is_descending, "nationality")

    def order_department(self, queryset, is_descending):
        return pinyin_order(queryset, is_descending, "department")

    class Meta(ObjectTable.Meta):
        model = ForeignTeacher
        fields = (
            "nationality",
            "gender",
            "employment",
            "status",
            "department",
            "subjects",
            "highest_degree",
        )
        sequence = ("name", "legal_status", "category", *fields)

    export_values = {
        "name": (
            ForeignTeacher.label_fields,
            ForeignTeacher.label_from_values,
            ForeignTeacher.label_expression,
        ),
        "category": (("nationality",), from_instance(ForeignTeacher, ("nationality",), "category")),
        "legal_status": ((), Bulk(legal_status_texts)),
    }

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def render_legal_status(self, record):
        checklist = teacher_checklist(record)
        text = legal_status_text(checklist)
        return format_html('<span class="badge {}">{}</span>', checklist.worst_css, text)

    def value_legal_status(self, record):
        return legal_status_text(teacher_checklist(record))


class ContractTable(ObjectTable):
    priorities = {"status": 1, "start_on": 3, "weekly_hours": 3}
    text_columns = ("position", "teacher")
    short_headers = {"weekly_hours": pgettext_lazy("short header", "Hours a week")}
    position = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)
    status = tables.Column(verbose_name=_("status"), accessor="state", order_by=("status",))
    export_values = {"status": (("state_today",), Contract.Status)}  # annotated by the view

    def render_status(self, record):
        return record.get_state_display()

    def value_status(self, record):
        return record.get_state_display()

    class Meta(ObjectTable.Meta):
        model = Contract
        fields = ("position", "teacher", "start_on", "end_on", "weekly_hours", "status")
        sequence = fields


class IdentityDocumentTable(ObjectTable):
    priorities = {"expires_on": 1, "permit_class": 3, "issued_on": 3}
    text_columns = ("kind", "teacher")
    kind = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)
    expiry_state = tables.Column(
        verbose_name=_("expiry state"), accessor="expiry_state", orderable=False
    )

    export_values = {"expiry_state": (("expiry_state_today",), EXPIRY_STATE_LABELS)}

    class Meta(ObjectTable.Meta):
        model = IdentityDocument
        fields = ("kind", "teacher", "permit_class", "issued_on", "expires_on")
        sequence = (*fields, "expiry_state")
        row_attrs = {"class": lambda record: EXPIRY_ROW_CLASSES.get(record.expiry_state, "")}

    def render_expiry_state(self, value):
        return EXPIRY_STATE_LABELS.get(value, "")


class QualificationCheckTable(ObjectTable):
    priorities = {"teacher": 1, "result": 1, "checked_on": 2}
    priorities |= dict.fromkeys(
        (
            "degree_verified",
            "experience_verified",
            "certificate_verified",
            "health_verified",
            "criminal_record_verified",
        ),
        3,
    )
    text_columns = ("teacher",)
    short_headers = {
        "degree_verified": pgettext_lazy("short header", "Degree"),
        "experience_verified": pgettext_lazy("short header", "Experience"),
        "certificate_verified": pgettext_lazy("short header", "Certificate"),
        "health_verified": pgettext_lazy("short header", "Health"),
        "criminal_record_verified": pgettext_lazy("short header", "No record"),
    }
    year = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = QualificationCheck
        fields = (
            "year",
            "teacher",
            "result",
            "degree_verified",
            "experience_verified",
            "certificate_verified",
            "health_verified",
            "criminal_record_verified",
            "checked_on",
        )
        sequence = fields


class IncidentTable(ObjectTable):
    priorities = {"teacher": 1, "resolved_on": 3}
    text_columns = ("teacher", "description")
    date = DateColumn(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Incident
        fields = ("date", "teacher", "kind", "description", "resolved_on")
        sequence = fields


class TeacherChangeTable(ObjectTable):
    priorities = {"teacher": 1}
    text_columns = ("kind", "teacher")
    kind = tables.Column(linkify=True)
    teacher = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = TeacherChange
        fields = ("kind", "teacher", "changed_on", "filed_on")
        sequence = fields
