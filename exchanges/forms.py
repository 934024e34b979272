from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    TripKind,
    Visit,
    VisitMember,
    VisitPlanLine,
)
from foreign_affairs.forms import PortalForm


class ExchangeProjectForm(PortalForm):
    class Meta:
        model = ExchangeProject
        fields = (
            "name",
            "kind",
            "partners",
            "agreement",
            "lead_department",
            "owner",
            "status",
            "status_reason",
            "start_on",
            "end_on",
            "yearly_quota",
            "goals",
            "outcomes",
            "version",
        )


class ParticipantForm(PortalForm):
    class Meta:
        model = Participant
        fields = (
            "project",
            "name",
            "kind",
            "department",
            "number",
            "direction",
            "status",
            "start_on",
            "end_on",
            "result",
            "version",
        )


class VisitPlanLineForm(PortalForm):
    class Meta:
        model = VisitPlanLine
        fields = (
            "year",
            "planned_month",
            "description",
            "destinations",
            "purpose",
            "days",
            "persons",
            "funding_source",
            "department",
            "version",
        )


class VisitForm(PortalForm):
    """A visit's own fields; its status moves only through its workflow's steps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trip_kind" in self.fields:  # meaningless for a delegation received
            self.fields["trip_kind"].required = False
        if self.instance.pk and self.instance.status != Visit.Status.DRAFT:
            # Out of draft, the visit's process depends on its direction: it stays.
            self.fields["direction"].disabled = True

    def clean_trip_kind(self):
        return self.cleaned_data.get("trip_kind") or TripKind.OFFICIAL

    def clean(self):
        cleaned = super().clean()
        outbound = cleaned.get("direction") == Visit.Direction.OUTBOUND
        if cleaned.get("direction"):
            self.drop_other_direction(outbound)
        for name in ("destinations", "stopovers"):
            if outbound and "CN" in [str(code) for code in cleaned.get(name) or []]:
                self.add_error(name, _("A visit abroad does not go to the Chinese mainland."))
        return cleaned

    def drop_other_direction(self, outbound: bool) -> None:
        """Clear what was posted for the other direction's fields (the page hides them).

        An outbound group's size is its members' count (the view sets it): the persons
        posted for a delegation received are ignored, the stored number kept.
        """
        other = Visit.INBOUND_FIELDS if outbound else Visit.OUTBOUND_FIELDS
        for name in other:
            if name not in self.fields:
                continue
            self._errors.pop(name, None)  # a hidden field cannot be corrected by the user
            if name == "persons":
                self.cleaned_data[name] = self.instance.persons
            else:
                self.cleaned_data[name] = Visit._meta.get_field(name).get_default()

    class Meta:
        model = Visit
        fields = (
            "direction",
            "title",
            "purpose",
            "trip_kind",
            "department",
            "funding_source",
            "plan_line",
            "off_plan_reason",
            "destinations",
            "stopovers",
            "stopovers_airport_only",
            "institutions",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "briefing_on",
            "pledge_signed_on",
            "delegation",
            "nationality",
            "persons",
            "host_department",
            "reception_plan",
            "outcome",
            "version",
        )


class VisitMemberForm(PortalForm):
    class Meta:
        model = VisitMember
        fields = (
            "name",
            "role",
            "unit",
            "position",
            "is_unit_head",
            "is_main_leader",
            "version",
        )


VisitMemberFormSet = forms.inlineformset_factory(
    Visit,
    VisitMember,
    form=VisitMemberForm,
    extra=2,
    max_num=30,
    absolute_max=30,  # a posted TOTAL_FORMS of 10**20 builds 30 forms, not Django's 1000 more
    validate_max=True,
    can_delete=True,
)


class PassportCustodyForm(PortalForm):
    """The document's own data; handing out and taking back are workflow steps."""

    class Meta:
        model = PassportCustody
        fields = (
            "kind",
            "holder",
            "holder_user",
            "passport_number",
            "issued_on",
            "expires_on",
            "version",
        )
