"""Foreign teachers, their contracts, identity documents, qualification checks and incidents."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from foreign_affairs.attachments import AttachmentField
from foreign_affairs.models import VersionedModel, dates_in_order
from foreign_affairs.regions import RegionKind, region_kind

BACHELOR_OR_ABOVE = {"bachelor", "master", "doctorate"}
FOREIGN_TEACHER = _("foreign teacher")
HMT_TEACHER = _("Hong Kong, Macau or Taiwan teacher")
EXPIRY_WARNING_DAYS = 90
EXPIRY_STATE_LABELS = {
    "expired": _("expired"),
    "expiring": _("expires within 90 days"),
    "valid": _("valid"),
}


class ForeignTeacher(VersionedModel):
    """A foreign teacher engaged (or considered) by the college."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    class Degree(models.TextChoices):
        NONE = "none", _("no degree")
        ASSOCIATE = "associate", _("associate degree")
        BACHELOR = "bachelor", _("bachelor's degree")
        MASTER = "master", _("master's degree")
        DOCTORATE = "doctorate", _("doctorate")

    class Employment(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        PART_TIME = "part_time", _("part-time")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        UNDER_REVIEW = "under_review", _("under review")
        EMPLOYED = "employed", _("employed")
        LEFT = "left", _("left")

    family_name = models.CharField(_("family name (as in passport)"), max_length=100)
    given_name = models.CharField(_("given name (as in passport)"), max_length=100)
    chinese_name = models.CharField(_("Chinese name"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    highest_degree = models.CharField(
        _("highest degree"),
        max_length=20,
        choices=Degree.choices,
        default=Degree.BACHELOR,
    )
    degree_field = models.CharField(_("field of the degree"), max_length=100, blank=True)
    degree_in_education_or_language = models.BooleanField(
        _("degree in education or language"),
        default=False,
    )
    has_tefl_certificate = models.BooleanField(_("TEFL/TESOL/CELTA certificate"), default=False)
    has_teaching_licence = models.BooleanField(_("home-country teaching licence"), default=False)
    years_experience = models.PositiveSmallIntegerField(
        _("years of relevant experience"),
        default=0,
    )
    native_language = models.CharField(_("native language"), max_length=50, blank=True)
    teaches_native_language = models.BooleanField(
        _("teaches their native language"),
        default=False,
    )
    subjects = models.CharField(_("subjects"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    employment = models.CharField(
        _("employment"),
        max_length=20,
        choices=Employment.choices,
        default=Employment.FULL_TIME,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.CANDIDATE,
    )
    has_guarantee_letter = models.BooleanField(
        _("guarantee letter (applicants over 60)"),
        default=False,
    )
    assistants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assisted_teachers",
        blank=True,
        verbose_name=_("assistants"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teachers",
        verbose_name=_("manager"),
    )
    notes = models.TextField(_("notes"), blank=True)

    # Personal information (PIPL), masked and logged wherever shown (foreign_affairs.privacy).
    personal_fields = ("date_of_birth", "phone", "email")

    class Meta:
        verbose_name = _("foreign teacher")
        verbose_name_plural = _("foreign teachers")
        ordering = ["family_name", "given_name"]
        permissions = [("view_personal_data", _("Can view unmasked personal identifiers"))]
        constraints = [
            models.UniqueConstraint(
                fields=["family_name", "given_name", "date_of_birth"],
                name="teacher_unique_name_and_birth",
                violation_error_message=_("A teacher with this name and date of birth exists."),
            ),
        ]

    # How a list export names a teacher from a values query (foreign_affairs.exports).
    label_fields = ("given_name", "family_name", "chinese_name")

    def __str__(self):
        return self.label_from_values(self.given_name, self.family_name, self.chinese_name)

    @staticmethod
    def label_from_values(given_name: str, family_name: str, chinese_name: str) -> str:
        """`Alice Smith（史爱丽）`, or `Alice Smith` without a Chinese name."""
        full = f"{given_name} {family_name}"
        return f"{full}（{chinese_name}）" if chinese_name else full

    @staticmethod
    def label_expression(given_name, family_name, chinese_name):
        """`label_from_values` in SQL, of three text expressions (PostgreSQL's CSV export,
        foreign_affairs.exports_pg)."""
        full = Concat(given_name, Value(" "), family_name)
        return Case(
            When(Exact(chinese_name, Value("")), then=full),
            default=Concat(full, Value("（"), chinese_name, Value("）")),
            output_field=models.TextField(),
        )

    def age_on(self, day: date) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_hmt(self) -> bool:
        """A resident of Hong Kong, Macau or Taiwan (港澳台教师): not a foreign worker."""
        return region_kind(str(self.nationality)) == RegionKind.HMT

    @property
    def category(self) -> str:
        return HMT_TEACHER if self.is_hmt else FOREIGN_TEACHER


class Contract(VersionedModel):
    """An employment contract with a foreign teacher."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")
        ENDED = "ended", pgettext_lazy("contract status", "ended")
        TERMINATED = "terminated", _("terminated early")

    teacher = models.ForeignKey(
        ForeignTeacher,
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name=_("teacher"),
    )
    position = models.CharField(_("position"), max_length=100)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    weekly_hours = models.PositiveSmallIntegerField(_("weekly hours"), null=True, blank=True)
    signed_file = AttachmentField(_("signed file"), folder="contracts")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_on"]
        constraints = [
            dates_in_order(
                "start_on",
                "end_on",
                "contract_dates_in_order",
                _("The contract cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True) | Q(weekly_hours__lte=60),
                name="contract_weekly_hours_plausible",
                violation_error_message=_("Weekly hours cannot exceed 60."),
            ),
        ]

    def __str__(self):
        return f"{self.teacher} {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"

    @classmethod
    def state_expression(cls, on: date | None = None) -> models.Case:
        """`state` in SQL, as of `on` (default today), for an annotation."""
        return models.Case(
            models.When(
                status=cls.Status.SIGNED,
                end_on__lt=on or timezone.localdate(),
                then=models.Value(cls.Status.ENDED),
            ),
            default=models.F("status"),
            output_field=models.CharField(),
        )

    @property
    def state(self) -> str:
        """The status as of today: a signed contract whose end date has passed has ended,
        whatever was stored (the office need not remember to change the word)."""
        if self.status == self.Status.SIGNED and self.end_on < timezone.localdate():
            return self.Status.ENDED
        return self.status

    def get_state_display(self) -> str:
        return self.Status(self.state).label


class IdentityDocument(VersionedModel):
    """A passport, permit or certificate of a foreign teacher, with its expiry."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("passport")
        WORK_PERMIT = "work_permit", _("work permit (外国人工作许可证)")
        RESIDENCE_PERMIT = "residence_permit", _("residence permit (居留许可)")
        VISA = "visa", _("visa")
        HEALTH_CERTIFICATE = "health_certificate", _("health certificate")
        CRIMINAL_RECORD = "criminal_record", _("criminal-record certificate")
        DEGREE_CERTIFICATION = "degree_certification", _("degree certification")
        MAINLAND_TRAVEL_PERMIT = (
            "mainland_travel_permit",
            _("mainland travel permit (港澳居民来往内地通行证/台湾居民来往大陆通行证)"),
        )
        HMT_RESIDENCE_PERMIT = (
            "hmt_residence_permit",
            _("residence permit for Hong Kong, Macau and Taiwan residents (港澳台居民居住证)"),
        )

    class PermitClass(models.TextChoices):
        A = "A", _("class A (high-end talent)")
        B = "B", _("class B (professional)")
        C = "C", _("class C (other)")

    teacher = models.ForeignKey(
        ForeignTeacher,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("teacher"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    permit_class = models.CharField(
        _("permit class"),
        max_length=1,
        choices=PermitClass.choices,
        blank=True,
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = AttachmentField(_("file"), folder="documents")

    # The number identifies the person; the scan shows the identifiers in full, so downloading
    # it counts as seeing personal data (foreign_affairs.privacy).
    personal_fields = ("number",)
    personal_file_fields = ("file",)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["teacher__family_name", "kind", "-expires_on"]
        constraints = [
            dates_in_order(
                "issued_on",
                "expires_on",
                "document_validity_in_order",
                _("A document cannot expire before it was issued."),
            ),
            models.CheckConstraint(
                condition=Q(kind="work_permit") | Q(permit_class=""),
                name="document_permit_class_only_for_work_permit",
                violation_error_message=_("Only a work permit has a permit class."),
            ),
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=~Q(number=""),
                name="document_unique_kind_number",
                violation_error_message=_("A document of this kind with this number exists."),
            ),
        ]

    def __str__(self):
        return f"{self.teacher} · {self.get_kind_display()}"

    @staticmethod
    def expiry_state_expression(on: date | None = None) -> models.Case:
        """`expiry_state` in SQL, as of `on` (default today), for an annotation."""
        today = on or timezone.localdate()
        return models.Case(
            models.When(expires_on__isnull=True, then=models.Value("")),
            models.When(expires_on__lt=today, then=models.Value("expired")),
            models.When(
                expires_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
                then=models.Value("expiring"),
            ),
            default=models.Value("valid"),
            output_field=models.CharField(),
        )

    @property
    def expiry_state(self) -> str:
        """Return "expired", "expiring" (within 90 days), "valid", or "" without an expiry."""
        if not self.expires_on:
            return ""
        today = timezone.localdate()
        if self.expires_on < today:
            return "expired"
        return "expiring" if (self.expires_on - today).days <= EXPIRY_WARNING_DAYS else "valid"


class QualificationCheck(VersionedModel):
    """The yearly qualification review (资格审查 / 年度自查) of a foreign teacher."""

    class Result(models.TextChoices):
        PENDING = "pending", _("pending")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    teacher = models.ForeignKey(
        ForeignTeacher,
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name=_("teacher"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    degree_verified = models.BooleanField(_("degree verified"), default=False)
    experience_verified = models.BooleanField(_("experience verified"), default=False)
    certificate_verified = models.BooleanField(_("certificate verified"), default=False)
    health_verified = models.BooleanField(_("health certificate verified"), default=False)
    criminal_record_verified = models.BooleanField(_("criminal record verified"), default=False)
    result = models.CharField(
        _("result"),
        max_length=20,
        choices=Result.choices,
        default=Result.PENDING,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("qualification check")
        verbose_name_plural = _("qualification checks")
        ordering = ["-year", "teacher__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "year"],
                name="check_one_per_teacher_and_year",
                violation_error_message=_("This teacher already has a check for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="check_year_plausible",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.teacher}"


class TeacherChange(VersionedModel):
    """A change a foreign teacher must file within days: new passport, position or employer."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("new passport")
        POSITION = "position", _("new position")
        EMPLOYER = "employer", _("new employer")

    teacher = models.ForeignKey(
        ForeignTeacher,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("teacher"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    changed_on = models.DateField(_("changed on"))
    filed_on = models.DateField(
        _("filed on"),
        null=True,
        blank=True,
        help_text=_("When the change was filed with the permit and residence authorities."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("teacher change")
        verbose_name_plural = _("teacher changes")
        ordering = ["-changed_on"]
        # The list's order (newest first, ties by key): a page of a search reads the index
        # until it has its rows, not every match sorted (issue 12).
        indexes = [models.Index(fields=["changed_on", "id"], name="teacherchange_changed_on")]
        constraints = [
            dates_in_order(
                "changed_on",
                "filed_on",
                "change_filed_after_it_happened",
                _("A change cannot be filed before it happened."),
            ),
        ]

    def __str__(self):
        return f"{self.teacher} · {self.get_kind_display()} {self.changed_on:%Y-%m-%d}"


class Incident(VersionedModel):
    """A dispute or safety, political or religious incident involving a foreign teacher."""

    class Kind(models.TextChoices):
        CONTRACT_DISPUTE = "contract_dispute", _("contract dispute")
        SAFETY = "safety", _("safety")
        POLITICAL = "political", _("political")
        RELIGIOUS = "religious", _("religious")
        OTHER = "other", _("other")

    teacher = models.ForeignKey(
        ForeignTeacher,
        on_delete=models.CASCADE,
        related_name="incidents",
        verbose_name=_("teacher"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-date"]
        constraints = [
            dates_in_order(
                "date",
                "resolved_on",
                "incident_resolved_after_it_happened",
                _("An incident cannot be resolved before it happened."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
