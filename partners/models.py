"""Partner institutions, their contacts, agreements and the record of exchanges with them."""

import hashlib
from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from foreign_affairs.attachments import AttachmentField
from foreign_affairs.models import VersionedModel, add_months, dates_in_order
from foreign_affairs.regions import is_belt_and_road, is_greater_bay_area, region_kind

DORMANT_AFTER_DAYS = 365
EXPIRING_WITHIN_DAYS = 90


class Institution(VersionedModel):
    """A school, hospital, company or government body the college works with."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university")
        COLLEGE = "college", _("college")
        HOSPITAL = "hospital", _("hospital or clinic")
        COMPANY = "company", _("company")
        GOVERNMENT = "government", _("government body")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROSPECTIVE = "prospective", _("prospective")
        ACTIVE = "active", pgettext_lazy("institution status", "active")
        DORMANT = "dormant", _("dormant")
        ENDED = "ended", _("ended")

    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLEGE)
    country = CountryField(_("country/region"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PROSPECTIVE,
    )
    since = models.DateField(_("partner since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name_zh"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_zh"],
                name="institution_unique_name_zh",
                violation_error_message=_("An institution with this Chinese name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(name_zh=""),
                name="institution_name_zh_not_empty",
                violation_error_message=_("The Chinese name is required."),
            ),
        ]

    label_fields = ("name_zh",)  # how a list export names it (foreign_affairs.exports)

    def __str__(self):
        return self.name_zh

    @property
    def region_kind(self):
        """Return how the institution's country/region is counted (mainland, 港澳台, foreign)."""
        return region_kind(self.country.code)

    @property
    def is_belt_and_road(self) -> bool:
        return is_belt_and_road(self.country.code)

    @property
    def is_greater_bay_area(self) -> bool:
        return is_greater_bay_area(self.country.code, self.city)

    def dormant_warning(self, last_activity_on: date | None, has_current_tie=False) -> bool:
        """Return whether an active partner has had no activity of any kind for 12 months.

        Activity: an interaction, a visit, an agreement signed, a project or a participant
        (`partners.selectors.institutions_with_activity`); an agreement in force or an active
        project today is a tie, never dormant. Without any activity the 12 months count from
        when the partnership began (or the record was created).
        """
        if self.status != self.Status.ACTIVE or has_current_tie:
            return False
        cutoff = timezone.localdate() - timedelta(days=DORMANT_AFTER_DAYS)
        if last_activity_on and last_activity_on.year <= 1900:
            last_activity_on = None  # the "never" of the annotation
        reference = last_activity_on or self.since or (self.created and self.created.date())
        return reference is None or reference < cutoff


class Contact(VersionedModel):
    """A person at a partner institution the office writes to."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("institution"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    title = models.CharField(_("title/position"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    not_personal_fields = dict.fromkeys(
        ("email", "phone", "wechat"),
        "the work contact details a partner institution gives for its staff, to be written "
        "to by whoever works with the partner (foreign_affairs.privacy)",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["institution__name_zh", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_institution",
                violation_error_message=_("This institution already has a primary contact."),
            ),
        ]

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    """Agreements with their state on a day, derived from the dates (never the stored word)."""

    def signed(self):
        return self.filter(status__in=[Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED])

    def in_force(self, on: date | None = None):
        """Signed agreements whose validity covers `on` (default today); auto-renewing ones
        stay in force past their end date, renewing by their term."""
        on = on or timezone.localdate()
        started = Q(valid_from__isnull=True) | Q(valid_from__lte=on)
        running = Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        return self.signed().filter(started, running | Q(renewal=Agreement.Renewal.AUTO))

    def expiring(self, on: date | None = None, days: int | None = None):
        """Agreements in force (not auto-renewing) whose validity ends within `days`."""
        on = on or timezone.localdate()
        days = EXPIRING_WITHIN_DAYS if days is None else days
        return (
            self.in_force(on)
            .exclude(renewal=Agreement.Renewal.AUTO)
            .filter(valid_until__lte=on + timedelta(days=days))
        )

    def with_state(self, on: date | None = None):
        """Annotate `state`: draft, negotiating, terminated, in force, expiring or expired."""
        on = on or timezone.localdate()
        S = Agreement.State
        signed = [Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED]
        return self.annotate(
            state=models.Case(
                models.When(~Q(status__in=signed), then=models.F("status")),
                models.When(valid_from__gt=on, then=models.Value(S.NOT_YET)),
                models.When(renewal=Agreement.Renewal.AUTO, then=models.Value(S.IN_FORCE)),
                models.When(valid_until__lt=on, then=models.Value(S.EXPIRED)),
                models.When(
                    valid_until__lte=on + timedelta(days=EXPIRING_WITHIN_DAYS),
                    then=models.Value(S.EXPIRING),
                ),
                default=models.Value(S.IN_FORCE),
                output_field=models.CharField(),
            )
        )


class Agreement(VersionedModel):
    """A signed (or negotiated) agreement or memorandum with a partner institution.

    `status` records what the office decided (draft, negotiating, signed, terminated); whether a
    signed agreement is in force, expiring or expired today is derived from its dates
    (`state`, `AgreementQuerySet.with_state`), and an auto-renewing one rolls over by its term.
    """

    class Kind(models.TextChoices):
        MOU = "mou", _("memorandum of understanding")
        FRAMEWORK = "framework", _("framework agreement")
        JOINT_TRAINING = "joint_training", _("joint training")
        STUDENT_EXCHANGE = "student_exchange", _("student exchange")
        RECRUITMENT = "recruitment", _("recruitment on behalf (代招)")
        OTHER = "other", _("other")

    class Renewal(models.TextChoices):
        NONE = "none", _("no renewal")
        AUTO = "auto", _("automatic renewal")
        NEGOTIATION = "negotiation", _("renewal by negotiation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        NEGOTIATING = "negotiating", _("negotiating")
        IN_FORCE = "in_force", _("in force")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    class State(models.TextChoices):
        """The state on a day, from the dates: what lists, pages and counts show."""

        DRAFT = "draft", _("draft")
        NEGOTIATING = "negotiating", _("negotiating")
        NOT_YET = "not_yet", _("not yet in force")
        IN_FORCE = "in_force", _("in force")
        EXPIRING = "expiring", _("expiring")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("institution"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOU)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave blank for an open-ended agreement."),
    )
    renewal = models.CharField(
        _("renewal"),
        max_length=20,
        choices=Renewal.choices,
        default=Renewal.NONE,
    )
    quota_per_year = models.PositiveIntegerField(
        _("mobilities per year"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
    )
    approval_reference = models.CharField(
        _("approval reference (上级批准文号)"),
        max_length=100,
        blank=True,
    )
    signed_file = AttachmentField(_("signed file"), folder="agreements")
    signed_file_sha256 = models.CharField(
        _("SHA-256 of the signed file"),
        max_length=64,
        blank=True,
        editable=False,
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            dates_in_order(
                "valid_from",
                "valid_until",
                "agreement_valid_dates_in_order",
                _("The end of validity cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(quota_per_year__isnull=True) | Q(quota_per_year__gte=0),
                name="agreement_quota_not_negative",
                violation_error_message=_("The yearly quota cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Plumbing, not a rule: the fingerprint always describes the stored file.
        if self.signed_file and not self.signed_file._committed:
            digest = hashlib.sha256()
            for chunk in self.signed_file.chunks():
                digest.update(chunk)
            self.signed_file_sha256 = digest.hexdigest()
        elif not self.signed_file:
            self.signed_file_sha256 = ""
        super().save(*args, **kwargs)

    @property
    def current_valid_until(self) -> date | None:
        """Return the end of the current term: an auto-renewing agreement renews by its term
        (valid_from → valid_until, else one year) until a term covers today."""
        end = self.valid_until
        today = timezone.localdate()
        if not end or self.renewal != self.Renewal.AUTO or end >= today:
            return end
        term = (end - self.valid_from) + timedelta(days=1) if self.valid_from else None
        while end < today:
            end = end + term if term else add_months(end, 12)  # 29 February → 28 February
        return end

    @property
    def state(self) -> str:
        """Return the state today (an annotated `state` from `with_state` wins)."""
        if "state" in self.__dict__:
            return self.__dict__["state"]
        if self.status not in (self.Status.IN_FORCE, self.Status.EXPIRED):
            return self.status
        end, today = self.current_valid_until, timezone.localdate()
        if self.valid_from and self.valid_from > today:
            return self.State.NOT_YET
        if end and end < today:
            return self.State.EXPIRED
        if (
            end
            and end <= today + timedelta(days=EXPIRING_WITHIN_DAYS)
            and (self.renewal != self.Renewal.AUTO)
        ):
            return self.State.EXPIRING
        return self.State.IN_FORCE

    @state.setter
    def state(self, value):  # set by the `with_state` annotation
        self.__dict__["state"] = value

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_expired(self) -> bool:
        return self.state == self.State.EXPIRED

    @property
    def is_expiring(self) -> bool:
        """Return whether an agreement in force ends within the next 90 days."""
        return self.state == self.State.EXPIRING


class Interaction(VersionedModel):
    """One exchange with a partner (交流记录): a meeting, a letter, a visit. Feeds the report."""

    class Kind(models.TextChoices):
        ONLINE_MEETING = "online_meeting", _("online meeting")
        CORRESPONDENCE = "correspondence", _("email or letter")
        VISIT_RECEIVED = "visit_received", _("visit received")
        VISIT_PAID = "visit_paid", _("visit paid")
        EVENT = "event", _("event")
        OTHER = "other", _("other")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("institution"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRESPONDENCE,
    )
    summary = models.TextField(_("summary"))
    participants = models.TextField(_("participants"), blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-date", "-pk"]
        indexes = [
            # An institution's latest interaction (its list's "last interaction" column and
            # sort, its last activity): one index entry per institution, not a sort.
            models.Index(fields=["institution", "-date"], name="interaction_institution_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="interaction_summary_not_empty",
                violation_error_message=_("Describe the interaction in the summary."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.institution}"
