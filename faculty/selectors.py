"""Reads of the faculty app: the facts a teacher's legal-status rules check, who is inspected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import timezone

from faculty.models import Contract, ForeignTeacher, IdentityDocument, TeacherChange
from foreign_affairs.regions import RegionKind, region_kind

# What a checklist reads of a teacher besides the row itself (a list prefetches them).
TEACHER_PREFETCH = ("documents", "changes")


@dataclass(frozen=True)
class DocumentFacts:
    kind: str
    permit_class: str = ""
    issued_on: date | None = None
    expires_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


@dataclass(frozen=True)
class ChangeFacts:
    kind: str
    label: str
    changed_on: date
    filed_on: date | None = None


@dataclass(frozen=True)
class TeacherFacts:
    """What the legal-status rules read of one teacher, as of `today` (never stored)."""

    today: date
    status: str
    nationality: str
    date_of_birth: date | None = None
    highest_degree: str = ForeignTeacher.Degree.BACHELOR
    years_experience: int = 0
    native_language: str = ""
    teaches_native_language: bool = False
    degree_in_education_or_language: bool = False
    has_teaching_licence: bool = False
    has_tefl_certificate: bool = False
    has_guarantee_letter: bool = False
    documents: tuple[DocumentFacts, ...] = ()
    changes: tuple[ChangeFacts, ...] = ()

    @property
    def reference_date(self) -> date:
        return self.today

    @cached_property  # read by most rules: computed once per teacher
    def is_hmt(self) -> bool:
        return region_kind(self.nationality) == RegionKind.HMT

    @property
    def is_active(self) -> bool:
        return self.status != ForeignTeacher.Status.LEFT

    @property
    def is_employed(self) -> bool:
        return self.status == ForeignTeacher.Status.EMPLOYED

    def current(self, *kinds: str) -> DocumentFacts | None:
        """Return the document of these kinds that runs longest (a missing expiry: longest)."""
        found = [document for document in self.documents if document.kind in kinds]
        return max(found, key=lambda d: d.expires_on or date.max, default=None)

    def latest_issued(self, kind: str, *, by: date) -> DocumentFacts | None:
        """Return the document of `kind` issued last on or before `by` (undated ones last)."""
        found = [d for d in self.documents if d.kind == kind and (d.issued_on or date.min) <= by]
        return max(found, key=lambda d: d.issued_on or date.min, default=None)

    @property
    def work_permit(self) -> DocumentFacts | None:
        return self.current(IdentityDocument.Kind.WORK_PERMIT)

    @property
    def permit_class(self) -> str:
        return self.work_permit.permit_class if self.work_permit else ""

    @property
    def application_date(self) -> date:
        """The day the work permit was applied for: its issue date when known, else today."""
        permit = self.work_permit
        return permit.issued_on if permit and permit.issued_on else self.today

    @property
    def age(self) -> int | None:
        born = self.date_of_birth
        if not born:
            return None
        today = self.today
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def teacher_facts(teacher: ForeignTeacher, *, on: date | None = None) -> TeacherFacts:
    """Return the facts of `teacher` as of `on` (default today); reads documents and changes
    through `.all()`, so a prefetched list costs no query per row."""
    today = on or timezone.localdate()
    documents = tuple(
        DocumentFacts(d.kind, d.permit_class, d.issued_on, d.expires_on)
        for d in teacher.documents.all()
        if d.issued_on is None or d.issued_on <= today
    )
    changes = tuple(
        ChangeFacts(c.kind, c.get_kind_display(), c.changed_on, c.filed_on)
        for c in teacher.changes.all()
        if c.changed_on <= today
    )
    return TeacherFacts(
        today=today,
        status=teacher.status,
        nationality=str(teacher.nationality),
        date_of_birth=teacher.date_of_birth,
        highest_degree=teacher.highest_degree,
        years_experience=teacher.years_experience,
        native_language=teacher.native_language,
        teaches_native_language=teacher.teaches_native_language,
        degree_in_education_or_language=teacher.degree_in_education_or_language,
        has_teaching_licence=teacher.has_teaching_licence,
        has_tefl_certificate=teacher.has_tefl_certificate,
        has_guarantee_letter=teacher.has_guarantee_letter,
        documents=documents,
        changes=changes,
    )


# The teacher fields `TeacherFacts` reads (besides documents and changes).
FACT_FIELDS = (
    "status",
    "nationality",
    "date_of_birth",
    "highest_degree",
    "years_experience",
    "native_language",
    "teaches_native_language",
    "degree_in_education_or_language",
    "has_teaching_licence",
    "has_tefl_certificate",
    "has_guarantee_letter",
)


# The kinds of record `teacher_facts_by_pk` reads (`foreign_affairs.dashboard` versions).
TEACHER_FACT_LABELS = (
    "faculty.foreignteacher",
    "faculty.identitydocument",
    "faculty.teacherchange",
)


def teacher_facts_by_pk(teachers: QuerySet, *, on: date | None = None) -> dict[int, TeacherFacts]:
    """Return {teacher pk: facts as of `on`} for the teachers of a queryset, from three values
    queries (teachers, their documents, their changes) whatever their number: what
    `teacher_facts` gives for each, without building a model instance (a 10k-row export).
    Documents and changes come in their models' order, as `teacher.documents.all()`."""
    today = on or timezone.localdate()
    pks = teachers.order_by().values("pk")
    documents: dict[int, list[DocumentFacts]] = {}
    for teacher, *fields in (
        IdentityDocument.objects.filter(teacher__in=pks)
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=today))
        .values_list("teacher", "kind", "permit_class", "issued_on", "expires_on")
    ):
        documents.setdefault(teacher, []).append(DocumentFacts(*fields))
    labels = dict(TeacherChange.Kind.choices)
    changes: dict[int, list[ChangeFacts]] = {}
    for teacher, kind, changed_on, filed_on in TeacherChange.objects.filter(
        teacher__in=pks, changed_on__lte=today
    ).values_list("teacher", "kind", "changed_on", "filed_on"):
        label = str(labels.get(kind, kind))
        changes.setdefault(teacher, []).append(ChangeFacts(kind, label, changed_on, filed_on))
    facts = {}
    for pk, *values in ForeignTeacher.objects.filter(pk__in=pks).values_list("pk", *FACT_FIELDS):
        fields = dict(zip(FACT_FIELDS, values, strict=True))
        fields["nationality"] = fields["nationality"] or ""
        facts[pk] = TeacherFacts(
            today=today,
            documents=tuple(documents.get(pk, ())),
            changes=tuple(changes.get(pk, ())),
            **fields,
        )
    return facts


def teachers_for_compliance() -> QuerySet[ForeignTeacher]:
    """Return the teachers `compliance_report` examines: everyone who has not left."""
    return ForeignTeacher.objects.exclude(status=ForeignTeacher.Status.LEFT).prefetch_related(
        *TEACHER_PREFETCH
    )


def teachers_of_self_inspection(year: int) -> QuerySet[ForeignTeacher]:
    """Return the teachers the 年度自查 of `year` lists: employed now (this year) or under a
    signed contract that meets the year."""
    contracts = Contract.objects.filter(
        start_on__year__lte=year,
        end_on__year__gte=year,
        status__in=[Contract.Status.SIGNED, Contract.Status.ENDED, Contract.Status.TERMINATED],
    ).values("teacher")
    query = Q(pk__in=contracts)
    if year == timezone.localdate().year:
        query |= Q(status=ForeignTeacher.Status.EMPLOYED)
    return ForeignTeacher.objects.filter(query).prefetch_related(*TEACHER_PREFETCH)
