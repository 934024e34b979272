"""Exchange projects and their participants, the yearly visit plan, visits and passports."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from foreign_affairs.attachments import AttachmentField
from foreign_affairs.models import VersionedModel, dates_in_order
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
        return "、".join(country.name for country in self.destinations)


class Visit(VersionedModel):
    """An official visit: a delegation going abroad (出访) or one received (来访)."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("outbound (出访)")
        INBOUND = "inbound", _("inbound (来访)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.OUTBOUND,
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
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
    leader = models.CharField(_("delegation leader"), max_length=100, blank=True)
    members = models.TextField(_("members"), blank=True, help_text=_("One name per line."))
    persons = models.PositiveSmallIntegerField(_("persons"), default=1)
    destinations = CountryField(_("countries/regions"), multiple=True, blank=True)
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
    )
    approval_number = models.CharField(_("approval number (批件号)"), max_length=100, blank=True)
    approval_file = AttachmentField(_("approval document"), folder="visits")
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=200, blank=True)
    report_submitted_on = models.DateField(
        _("post-trip report submitted on"), null=True, blank=True
    )
    delegation = models.CharField(_("delegation"), max_length=200, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    host_department = models.CharField(_("host department"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_start", "-pk"]
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
                condition=Q(direction="inbound")
                | Q(plan_line__isnull=False)
                | ~Q(off_plan_reason=""),
                name="visit_outbound_in_plan_or_reasoned",
                violation_error_message=_(
                    "An outbound visit needs a plan line, or a reason why it is outside the plan."
                ),
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
        ]

    # Fields that only mean something in one direction (hidden on the other's pages).
    OUTBOUND_FIELDS = (
        "plan_line",
        "off_plan_reason",
        "leader",
        "members",
        "approval_number",
        "approval_file",
        "report_submitted_on",
    )
    INBOUND_FIELDS = ("delegation", "nationality", "host_department")

    def __str__(self):
        return self.title

    @property
    def is_outbound(self) -> bool:
        return self.direction == self.Direction.OUTBOUND

    @property
    def destination_names(self) -> str:
        return "、".join(country.name for country in self.destinations)

    @property
    def report_due_on(self):
        """Return when the post-trip report is due (outbound visits that have returned)."""
        if self.direction != self.Direction.OUTBOUND or not self.actual_end:
            return None
        return self.actual_end + timedelta(days=settings.VISIT_REPORT_DUE_DAYS)

    def rule_warnings(self) -> list[str]:
        """Return the outbound-visit rules this visit breaks, in words (warnings only)."""
        if self.direction != self.Direction.OUTBOUND:
            return []
        warnings = []
        if self.persons > settings.VISIT_MAX_PERSONS:
            warnings.append(
                _("The delegation has %(n)d persons; the rule allows at most %(max)d.")
                % {"n": self.persons, "max": settings.VISIT_MAX_PERSONS}
            )
        start, end = self.actual_start or self.planned_start, self.actual_end or self.planned_end
        countries = len(self.destinations)
        limits = settings.VISIT_MAX_DAYS_BY_COUNTRIES
        if start and end and countries:
            days = (end - start).days + 1
            allowed = limits.get(countries, max(limits.values()))
            if days > allowed:
                warnings.append(
                    _(
                        "The visit lasts %(days)d days in %(n)d countries/regions; the rule "
                        "allows at most %(max)d."
                    )
                    % {"days": days, "n": countries, "max": allowed}
                )
        return warnings


class PassportCustody(VersionedModel):
    """An official passport the office keeps (因公护照保管): handed out and due back."""

    holder = models.CharField(_("holder"), max_length=100)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holder's account"),
    )
    passport_number = models.CharField(_("passport number"), max_length=30)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="passports",
        verbose_name=_("visit"),
    )
    handed_out_on = models.DateField(_("handed out on"), null=True, blank=True)
    due_back_on = models.DateField(_("due back on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("passport in custody")
        verbose_name_plural = _("passports in custody")
        ordering = ["holder"]
        constraints = [
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
        return self.holder
