"""Exchange projects and their participants, the yearly visit plan, visits and passports."""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from foreign_affairs.attachments import AttachmentField
from foreign_affairs.models import VersionedModel, dates_in_order
from foreign_affairs.workflow import WorkflowLockedMixin
from partners.models import Agreement, Institution


class ExchangeProject(VersionedModel):
    """A programme with partners: exchange, scholarship recruitment, joint training, workshop."""

    class Kind(models.TextChoices):
        STUDENT_EXCHANGE = "student_exchange", _("student exchange")
        SCHOLARSHIP_RECRUITMENT = "scholarship_recruitment", _("scholarship recruitment")
        JOINT_TRAINING = "joint_training", _("joint training / credit transfer")
        STAFF_TRAINING = "staff_training", _("staff training")
        STUDY_TOUR = "study_tour", _("study tour")
        TECHNICAL_TRAINING = "technical_training", _("technical training")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        PLANNING = "planning", _("planning")
        ACTIVE = "active", pgettext_lazy("project status", "active")
        SUSPENDED = "suspended", _("suspended")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    partners = models.ManyToManyField(
        Institution,
        related_name="projects",
        blank=True,
        verbose_name=_("partners"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("agreement"),
    )
    lead_department = models.CharField(_("lead department"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PLANNING,
    )
    status_reason = models.CharField(
        _("reason for the status"),
        max_length=200,
        blank=True,
        help_text=_("Why the project is suspended or cancelled, e.g. the pandemic."),
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    yearly_quota = models.PositiveIntegerField(_("yearly quota"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)

    class Meta:
        verbose_name = _("exchange project")
        verbose_name_plural = _("exchange projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="project_unique_name",
                violation_error_message=_("A project with this name already exists."),
            ),
            dates_in_order(
                "start_on",
                "end_on",
                "project_dates_in_order",
                _("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["suspended", "cancelled"]) | ~Q(status_reason=""),
                name="project_suspension_has_reason",
                violation_error_message=_(
                    "Give the reason why the project is suspended or cancelled."
                ),
            ),
            models.CheckConstraint(
                condition=Q(yearly_quota__isnull=True) | Q(yearly_quota__gte=0),
                name="project_quota_not_negative",
                violation_error_message=_("The yearly quota cannot be negative."),
            ),
        ]

    label_fields = ("name",)  # how a list export names it (foreign_affairs.exports)

    def __str__(self):
        return self.name


class Participant(VersionedModel):
    """A student, teacher or staff member taking part in an exchange project."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("student")
        TEACHER = "teacher", _("teacher")
        STAFF = "staff", _("staff")

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("outbound")
        INBOUND = "inbound", _("inbound")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        SELECTED = "selected", _("selected")
        TRAINING = "training", _("in training")
        DEPARTED = "departed", _("departed")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    project = models.ForeignKey(
        ExchangeProject,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("project"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STUDENT)
    department = models.CharField(_("department or class"), max_length=100, blank=True)
    number = models.CharField(_("student/staff number"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.OUTBOUND,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.APPLIED,
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True)

    not_personal_fields = {
        "number": "the college's own student/staff number, which the office and leadership "
        "use to find a participant; no identity document number (foreign_affairs.privacy)",
    }

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["project__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                condition=~Q(number=""),
                name="participant_unique_number_per_project",
                violation_error_message=_("This student/staff number is already in the project."),
            ),
            dates_in_order(
                "start_on",
                "end_on",
                "participant_dates_in_order",
                _("The end cannot be before the start."),
            ),
        ]

    def __str__(self):
        return self.name


class VisitPlanLine(VersionedModel):
    """One line of the yearly plan of official outbound visits (年度因公出访计划)."""

    class Purpose(models.TextChoices):
        OFFICIAL = "official", _("official business")
        ACADEMIC = "academic", _("academic exchange")

    year = models.PositiveSmallIntegerField(_("year"))
    destinations = CountryField(_("destinations"), multiple=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=Purpose.choices,
        default=Purpose.ACADEMIC,
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    planned_month = models.PositiveSmallIntegerField(_("planned month"))
    days = models.PositiveSmallIntegerField(_("days"))
    persons = models.PositiveSmallIntegerField(_("persons"))
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("visit plan line")
        verbose_name_plural = _("visit plan lines")
        ordering = ["-year", "planned_month", "pk"]
        # The list's order: its pages, and its export read in it instead of sorting.
        indexes = [
            models.Index(fields=["-year", "planned_month", "id"], name="visitplanline_list_order")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_month__gte=1, planned_month__lte=12),
                name="visitplanline_month_1_to_12",
                violation_error_message=_("The planned month must be between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, persons__gte=1),
                name="visitplanline_days_and_persons_positive",
                violation_error_message=_("Days and persons must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="visitplanline_year_plausible",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.year}-{self.planned_month:02d} {self.destination_names}"

    @property
    def destination_names(self) -> str:
        return destination_names(self.destinations)

    @property
    def plan_label(self):
        """Which annual plan the line belongs to: 因公出国 or 因公赴港澳（台）."""
        return PLAN_LABELS[plan_kind(self.destinations)]


class TripKind(models.TextChoices):
    """The kind of an outbound trip: the rules on persons and days differ (厅字〔2016〕17号)."""

    OFFICIAL = "official", _("official business (公务)")
    ACADEMIC = "academic", _("academic exchange of teaching and research staff")


class DestinationKind(models.TextChoices):
    """Where a trip goes: each kind has its own travel document and its own annual plan."""

    FOREIGN = "foreign", _("abroad (国外)")
    HONG_KONG = "hk", _("Hong Kong")
    MACAU = "mo", _("Macau")
    TAIWAN = "tw", _("Taiwan")


# The travel document each kind of destination needs, and the annual plan it belongs to.
TRAVEL_DOCUMENT = {
    DestinationKind.FOREIGN: "passport",
    DestinationKind.HONG_KONG: "hk_macau_permit",
    DestinationKind.MACAU: "hk_macau_permit",
    DestinationKind.TAIWAN: "taiwan_permit",
}


def destination_kind(codes) -> DestinationKind:
    """Return the kind of a trip to these countries/regions (ISO codes).

    Any foreign country makes it a trip abroad (因公出国); otherwise Taiwan, Macau only, or
    Hong Kong (with or without Macau). No destination counts as abroad.
    """
    codes = {str(code).upper() for code in codes}
    if not codes or codes - {"HK", "MO", "TW"}:
        return DestinationKind.FOREIGN
    if "TW" in codes:
        return DestinationKind.TAIWAN
    return DestinationKind.MACAU if codes == {"MO"} else DestinationKind.HONG_KONG


PLAN_LABELS = {
    "abroad": _("plan of official trips abroad (因公出国计划)"),
    "hmt": _("plan of trips to Hong Kong, Macau and Taiwan (因公赴港澳（台）计划)"),
}


@functools.lru_cache(maxsize=16)
def plan_labels(language: str | None) -> dict[str, str]:
    """`PLAN_LABELS` as text in `language` (the active one: `get_language()`)."""
    return {kind: str(label) for kind, label in PLAN_LABELS.items()}


def stored_codes(value: str) -> list[str]:
    """Return the codes of a multiple country field as the database stores them ("AU,NZ"),
    as read by a values query."""
    return [code for code in (value or "").split(",") if code]


def destination_names(codes) -> str:
    """Return the names of these countries/regions (ISO codes or `Country`s), joined by 、,
    in the active language."""
    from django.utils.translation import get_language

    from foreign_affairs.countries import country_names

    return "、".join(country_names(get_language(), [getattr(code, "code", code) for code in codes]))


def plan_kind(codes) -> str:
    """Return which annual plan a trip belongs to: "abroad" (因公出国) or "hmt" (赴港澳台)."""
    return "abroad" if destination_kind(codes) == DestinationKind.FOREIGN else "hmt"


class Visit(WorkflowLockedMixin, VersionedModel):
    """An official visit: a delegation going abroad (出访) or one received (来访).

    Its status moves only through `exchanges.workflows.VISIT_WORKFLOW`.
    """

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("outbound (出访)")
        INBOUND = "inbound", _("inbound (来访)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        OFFICE_REVIEW = "office_review", _("in office review")
        APPROVED = "approved", _("approved")
        DEPARTED = "departed", _("departed")
        RETURNED = "returned", pgettext_lazy("visit status", "returned")
        REPORT_FILED = "report_filed", _("report filed")
        RECEIVED = "received", _("received")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    # Outbound visits that took place; inbound visits that were received.
    DONE_STATUSES = ("returned", "report_filed", "closed", "received")
    # Before departure: a visit may still be cancelled, and its members are not abroad.
    BEFORE_DEPARTURE = ("draft", "submitted", "office_review", "approved")

    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.OUTBOUND,
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    trip_kind = models.CharField(
        _("kind of trip"),
        max_length=20,
        choices=TripKind.choices,
        default=TripKind.OFFICIAL,
    )
    department = models.CharField(_("sending department"), max_length=100, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    plan_line = models.ForeignKey(
        VisitPlanLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("plan line"),
    )
    off_plan_reason = models.CharField(
        _("reason for a visit outside the plan"),
        max_length=200,
        blank=True,
    )
    persons = models.PositiveSmallIntegerField(
        _("persons"),
        default=1,
        help_text=_("Size of a delegation received; an outbound group counts its members."),
    )
    destinations = CountryField(_("countries/regions"), multiple=True, blank=True)
    stopovers = CountryField(_("stopovers (经停)"), multiple=True, blank=True)
    stopovers_airport_only = models.BooleanField(
        _("stopovers without leaving the airport"),
        default=False,
        help_text=_(
            "Stopovers are counted among the countries/regions unless nobody leaves the airport."
        ),
    )
    institutions = models.ManyToManyField(
        Institution,
        related_name="visits",
        blank=True,
        verbose_name=_("institutions"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="proposed_visits",
        verbose_name=_("proposed by"),
    )
    approval_number = models.CharField(
        _("approval number (批件号)"), max_length=100, blank=True, editable=False
    )
    approval_file = AttachmentField(_("approval document (批件)"), folder="visits", editable=False)
    briefing_on = models.DateField(
        _("pre-departure briefing (行前外事教育) on"), null=True, blank=True
    )
    pledge_signed_on = models.DateField(
        _("confidentiality pledge (保密承诺书) signed on"), null=True, blank=True
    )
    cancel_reason = models.CharField(
        _("reason for cancellation"), max_length=200, blank=True, editable=False
    )
    report_file = AttachmentField(_("post-trip report (出访报告)"), folder="visits", editable=False)
    report_summary = models.TextField(
        _("summary of the post-trip report"), blank=True, editable=False
    )
    report_submitted_on = models.DateField(
        _("post-trip report submitted on"), null=True, blank=True, editable=False
    )
    delegation = models.CharField(_("delegation"), max_length=200, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    host_department = models.CharField(_("host department"), max_length=100, blank=True)
    reception_plan = models.TextField(_("reception plan"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_start", "-pk"]
        indexes = [
            # A trip's dates (`start`, `end`: the actual ones, else the planned): the visit
            # rules read the trips around a list's page of visits (exchanges.selectors.
            # other_trips), the calendar the trips of a month.
            models.Index(Coalesce("actual_start", "planned_start"), name="visit_trip_start"),
            models.Index(Coalesce("actual_end", "planned_end"), name="visit_trip_end"),
        ]
        permissions = [
            ("submit_visit", _("Can submit a visit")),
            ("review_visit", _("Can take a visit into office review")),
            ("send_back_visit", _("Can return a visit for changes")),
            ("approve_visit", _("Can record the approval of a visit")),
            ("depart_visit", _("Can record the departure of a visit")),
            ("come_back_visit", _("Can record the return of a visit")),
            ("file_report_visit", _("Can file the post-trip report of a visit")),
            ("receive_visit", _("Can record a delegation as received")),
            ("close_visit", _("Can close a visit")),
            ("cancel_visit", _("Can cancel a visit")),
        ]
        constraints = [
            dates_in_order(
                "planned_start",
                "planned_end",
                "visit_planned_dates_in_order",
                _("The planned end cannot be before the planned start."),
            ),
            dates_in_order(
                "actual_start",
                "actual_end",
                "visit_actual_dates_in_order",
                _("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="visit_cancellation_has_reason",
                violation_error_message=_("Give the reason for the cancellation."),
            ),
            models.CheckConstraint(
                condition=Q(persons__gte=1),
                name="visit_persons_positive",
                violation_error_message=_("A visit has at least one person."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "departed", "returned", "report_filed"])
                | Q(direction="inbound")
                | ~Q(approval_number=""),
                name="visit_approved_has_number",
                violation_error_message=_("An approved outbound visit has its approval number."),
            ),
        ]

    not_personal_fields = {
        "approval_number": "the number of the authority's approval (批件号), not of a person",
    }

    # Fields that only mean something in one direction (hidden on the other's pages).
    OUTBOUND_FIELDS = (
        "trip_kind",
        "department",
        "funding_source",
        "plan_line",
        "off_plan_reason",
        "stopovers",
        "stopovers_airport_only",
        "approval_number",
        "approval_file",
        "briefing_on",
        "pledge_signed_on",
        "report_file",
        "report_summary",
        "report_submitted_on",
    )
    INBOUND_FIELDS = (
        "delegation",
        "nationality",
        "persons",
        "host_department",
        "reception_plan",
        "outcome",
    )

    label_fields = ("title",)  # how a list export names it (foreign_affairs.exports)

    def __str__(self):
        return self.title

    @property
    def is_outbound(self) -> bool:
        return self.direction == self.Direction.OUTBOUND

    @property
    def destination_names(self) -> str:
        return destination_names(self.destinations)

    @property
    def destination_kind(self) -> DestinationKind:
        return destination_kind(self.destinations)

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end

    @property
    def report_due_on(self):
        """Return when the post-trip report is due (outbound visits that have returned)."""
        if self.direction != self.Direction.OUTBOUND or not self.actual_end:
            return None
        return self.actual_end + timedelta(days=settings.VISIT_REPORT_DUE_DAYS)


class VisitMember(WorkflowLockedMixin, VersionedModel):
    """A member of an outbound delegation: who, from which unit, in which position.

    The unit and whether the person heads it feed the rules on heads of one unit
    (not in one group; main leaders not abroad at the same time).
    """

    class Role(models.TextChoices):
        LEADER = "leader", _("delegation leader")
        MEMBER = "member", _("member")
        INTERPRETER = "interpreter", _("interpreter")

    visit = models.ForeignKey(
        Visit,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("visit"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    is_unit_head = models.BooleanField(
        _("head of the unit (单位负责人)"),
        default=False,
    )
    is_main_leader = models.BooleanField(
        _("main leader of the unit (主要负责人)"),
        default=False,
    )

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["visit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "name"],
                name="visitmember_unique_name",
                violation_error_message=_("This person is already in the delegation."),
            ),
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(role="leader"),
                name="visitmember_one_leader",
                violation_error_message=_("A delegation has one leader."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.visit.get_absolute_url()

    workflow_root_path = "visit"  # read-only with its visit (WorkflowLockedMixin)


class PassportCustody(VersionedModel):
    """An official travel document the office keeps (因公护照保管): handed out and due back.

    Its status moves only through `exchanges.workflows.PASSPORT_WORKFLOW` (hand out, take
    back); "overdue" is derived from `due_back_on` where it is read.
    """

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("official passport (因公护照)")
        HK_MACAU_PERMIT = "hk_macau_permit", _("official Hong Kong/Macau permit (因公港澳通行证)")
        TAIWAN_PERMIT = "taiwan_permit", _("Taiwan travel permit (大陆居民往来台湾通行证)")

    class Status(models.TextChoices):
        IN_CUSTODY = "in_custody", _("in the office's custody")
        HANDED_OUT = "handed_out", _("handed out")

    kind = models.CharField(
        _("kind of document"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.PASSPORT,
    )
    holder = models.CharField(_("holder"), max_length=100)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holder's account"),
    )
    passport_number = models.CharField(_("document number"), max_length=30)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.IN_CUSTODY,
        editable=False,
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="passports",
        verbose_name=_("visit"),
    )
    handed_out_on = models.DateField(_("handed out on"), null=True, blank=True, editable=False)
    due_back_on = models.DateField(_("due back on"), null=True, blank=True, editable=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True, editable=False)

    # The document number identifies its holder (foreign_affairs.privacy).
    personal_fields = ("passport_number",)

    class Meta:
        verbose_name = _("passport in custody")
        verbose_name_plural = _("passports in custody")
        ordering = ["holder"]
        permissions = [
            ("hand_out_passportcustody", _("Can hand out a travel document")),
            ("take_back_passportcustody", _("Can take back a travel document")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_custody")
                | Q(visit__isnull=False, handed_out_on__isnull=False),
                name="passport_handed_out_for_a_visit",
                violation_error_message=_("A document is handed out for a visit, on a date."),
            ),
            models.UniqueConstraint(
                fields=["passport_number"],
                name="passport_unique_number",
                violation_error_message=_("This passport is already in custody."),
            ),
            dates_in_order(
                "issued_on",
                "expires_on",
                "passport_validity_in_order",
                _("The passport cannot expire before it was issued."),
            ),
            dates_in_order(
                "handed_out_on",
                "returned_on",
                "passport_returned_after_handed_out",
                _("The passport cannot be returned before it was handed out."),
            ),
        ]

    def __str__(self):
        return f"{self.holder}（{self.get_kind_display()}）"

    @property
    def is_overdue(self) -> bool:
        """Handed out and not back by its due date (derived from today's date)."""
        from django.utils import timezone

        return (
            self.status == self.Status.HANDED_OUT
            and self.due_back_on is not None
            and self.due_back_on < timezone.localdate()
        )
