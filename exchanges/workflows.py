"""The workflows of visits (出访 and 来访) and of travel documents in custody.

Outbound (出访): draft → submitted → office review → approved (批件号 + 批件) → departed →
returned (actual dates) → report filed (出访报告) → closed; cancelled (with the reason)
from any state before departure; "returned for changes" goes back to the proposer's draft.
Inbound (来访): draft → approved → received → closed; cancelled before reception.
Documents: in custody → handed out (for an approved visit, after the briefing and the
pledge) → in custody.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges import selectors
from exchanges.models import TRAVEL_DOCUMENT, PassportCustody, Visit
from foreign_affairs.attachments import validate_attachment
from foreign_affairs.compliance import findings
from foreign_affairs.workflow import (
    ActionForm,
    Transition,
    Workflow,
    office,
    owner,
    register_workflow,
)

S = Visit.Status


def _outbound(visit) -> bool:
    return visit.direction == Visit.Direction.OUTBOUND


def _inbound(visit) -> bool:
    return visit.direction == Visit.Direction.INBOUND


# --- forms of the steps ---------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(day) -> None:
    """A step records what has happened: its date cannot be after today."""
    if day > timezone.localdate():
        raise ValidationError(_("This date is after today."), code="future")


class PastDateField(forms.DateField):
    widget = DateInput
    default_validators = [not_in_future]


class ApproveForm(ActionForm):
    approval_number = forms.CharField(
        label=gettext_lazy("approval number (批件号)"), max_length=100
    )
    approval_file = forms.FileField(
        label=gettext_lazy("approval document (批件)"), validators=[validate_attachment]
    )


class CancelForm(ActionForm):
    cancel_reason = forms.CharField(label=gettext_lazy("reason for cancellation"), max_length=200)


class DepartForm(ActionForm):
    actual_start = PastDateField(label=gettext_lazy("actual start"))


class ComeBackForm(ActionForm):
    actual_start = PastDateField(label=gettext_lazy("actual start"))
    actual_end = PastDateField(label=gettext_lazy("actual end"))


class ReceiveForm(ComeBackForm):
    outcome = forms.CharField(
        label=gettext_lazy("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(ActionForm):
    report_file = forms.FileField(
        label=gettext_lazy("post-trip report (出访报告)"), validators=[validate_attachment]
    )
    report_summary = forms.CharField(
        label=gettext_lazy("summary of the post-trip report"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HandOutForm(ActionForm):
    visit = forms.ModelChoiceField(
        label=gettext_lazy("outbound visit"),
        queryset=Visit.objects.filter(
            direction=Visit.Direction.OUTBOUND, status__in=[S.APPROVED, S.DEPARTED]
        ).order_by("planned_start", "pk"),
    )
    handed_out_on = PastDateField(label=gettext_lazy("handed out on"))


class TakeBackForm(ActionForm):
    returned_on = PastDateField(label=gettext_lazy("returned on"))


def initial_values(obj) -> dict:
    """Return what a step's form starts with: today, or the dates the record already has."""
    today = timezone.localdate()
    values = {"handed_out_on": today, "returned_on": today}
    if isinstance(obj, Visit):
        values["actual_start"] = obj.actual_start or obj.planned_start or today
        values["actual_end"] = obj.actual_end or obj.planned_end or today
    return values


# --- guards and effects ---------------------------------------------------------------------


def no_blocking_findings(visit, data) -> None:
    """Refuse while a blocking rule finding stands (the finding says what and why)."""
    blocking = [finding.message for finding in findings(visit) if finding.blocking]
    if blocking:
        raise ValidationError("；".join(blocking), code="blocking_findings")


def ready_to_submit(visit, data) -> None:
    problems = []
    if not visit.members.exists():
        problems.append(_("List the members of the delegation."))
    if not (visit.planned_start and visit.planned_end):
        problems.append(_("Give the planned dates."))
    if not visit.destinations:
        problems.append(_("Give the countries/regions visited."))
    if problems:
        raise ValidationError(" ".join(problems), code="incomplete")
    no_blocking_findings(visit, data)


def record_approval(visit, data, user) -> None:
    visit.approval_number = data["approval_number"].strip()
    visit.approval_file = data["approval_file"]


def briefed(visit, data) -> None:
    """The group has had the pre-departure briefing and signed the confidentiality pledge."""
    missing = []
    if not visit.briefing_on:
        missing.append(_("the pre-departure briefing (行前外事教育)"))
    if not visit.pledge_signed_on:
        missing.append(_("the confidentiality pledge (保密承诺书)"))
    if missing:
        raise ValidationError(
            _("Record %(missing)s first.") % {"missing": _("and").join(missing)}, code="briefing"
        )


def ready_to_depart(visit, data) -> None:
    """Briefed and pledged, and no blocking finding (an edit after approval may add one)."""
    briefed(visit, data)
    no_blocking_findings(visit, data)


def record_departure(visit, data, user) -> None:
    visit.actual_start = data["actual_start"]


def passports_due_back(visit, user=None) -> None:
    """Set the due-back date of the visit's handed-out documents from its return."""
    end = visit.actual_end or visit.planned_end
    if not end:
        return
    due = end + timedelta(days=settings.PASSPORT_DUE_BACK_DAYS)
    for passport in visit.passports.filter(status=PassportCustody.Status.HANDED_OUT):
        if passport.due_back_on != due:
            passport.due_back_on = due
            passport._change_reason = _("due back recomputed from the return")
            if user is not None:
                passport._history_user = user
            passport.save()


def record_return(visit, data, user) -> None:
    visit.actual_start = data["actual_start"]
    visit.actual_end = data["actual_end"]
    if visit.actual_end < visit.actual_start:
        raise ValidationError(_("The actual end cannot be before the actual start."))
    visit.outcome = data.get("outcome", visit.outcome)
    passports_due_back(visit, user)


def record_report(visit, data, user) -> None:
    visit.report_file = data["report_file"]
    visit.report_summary = data["report_summary"].strip()
    visit.report_submitted_on = timezone.localdate()


def record_cancellation(visit, data, user) -> None:
    visit.cancel_reason = data["cancel_reason"].strip()


VISIT_WORKFLOW = register_workflow(
    Workflow(
        model=Visit,
        owner_field="proposed_by",
        read_only_states=(S.CLOSED, S.CANCELLED),
        initial=initial_values,
        transitions=[
            Transition(
                "submit",
                gettext_lazy("Submit"),
                source=(S.DRAFT,),
                target=S.SUBMITTED,
                when=_outbound,
                guard=ready_to_submit,
                notify=office,
                task=gettext_lazy("Review the visit request"),
                own_records_only=True,
            ),
            Transition(
                "review",
                gettext_lazy("Take into office review"),
                source=(S.SUBMITTED,),
                target=S.OFFICE_REVIEW,
                when=_outbound,
                notify=office,
                task=gettext_lazy("Record the approval (批件) of the visit"),
            ),
            Transition(
                "send_back",
                gettext_lazy("Return for changes"),
                source=(S.SUBMITTED, S.OFFICE_REVIEW),
                target=S.DRAFT,
                when=_outbound,
                notify=owner,
                task=gettext_lazy("Change the visit request as asked and submit it again"),
                comment_required=True,
                style="outline-secondary",
            ),
            Transition(
                "approve",
                gettext_lazy("Record the approval"),
                source=(S.OFFICE_REVIEW,),
                target=S.APPROVED,
                form_class=ApproveForm,
                when=_outbound,
                guard=no_blocking_findings,
                effect=record_approval,
                notify=owner,
                task=gettext_lazy("Attend the pre-departure briefing and collect the documents"),
            ),
            Transition(
                "approve",
                gettext_lazy("Approve"),
                source=(S.DRAFT,),
                target=S.APPROVED,
                when=_inbound,
                notify=owner,
                task=gettext_lazy("Prepare the reception"),
            ),
            Transition(
                "depart",
                gettext_lazy("Record the departure"),
                source=(S.APPROVED,),
                target=S.DEPARTED,
                form_class=DepartForm,
                when=_outbound,
                guard=ready_to_depart,
                effect=record_departure,
            ),
            Transition(
                "come_back",
                gettext_lazy("Record the return"),
                source=(S.DEPARTED,),
                target=S.RETURNED,
                form_class=ComeBackForm,
                when=_outbound,
                effect=record_return,
                notify=owner,
                task=gettext_lazy("File the post-trip report (出访报告)"),
            ),
            Transition(
                "file_report",
                gettext_lazy("File the post-trip report"),
                source=(S.RETURNED,),
                target=S.REPORT_FILED,
                form_class=ReportForm,
                when=_outbound,
                effect=record_report,
                notify=office,
                task=gettext_lazy("Read the post-trip report and close the visit"),
                own_records_only=True,
            ),
            Transition(
                "receive",
                gettext_lazy("Record the reception"),
                source=(S.APPROVED,),
                target=S.RECEIVED,
                form_class=ReceiveForm,
                when=_inbound,
                effect=record_return,
            ),
            Transition(
                "close",
                gettext_lazy("Close"),
                source=(S.REPORT_FILED, S.RECEIVED),
                target=S.CLOSED,
                irreversible=True,
            ),
            Transition(
                "cancel",
                gettext_lazy("Cancel the visit"),
                source=Visit.BEFORE_DEPARTURE,
                target=S.CANCELLED,
                form_class=CancelForm,
                effect=record_cancellation,
                notify=owner,
                task=gettext_lazy("The visit was cancelled"),
                own_records_only=True,
                irreversible=True,
                style="outline-danger",
            ),
        ],
    )
)


# --- travel documents -----------------------------------------------------------------------


def may_hand_out(passport, data) -> None:
    """Only for an approved visit, after its briefing and pledge, and the right document."""
    visit = data["visit"]
    if visit.status not in (S.APPROVED, S.DEPARTED):
        raise ValidationError(
            _("A travel document is handed out only for an approved visit."), code="not_approved"
        )
    briefed(visit, data)
    needed = TRAVEL_DOCUMENT[visit.destination_kind]
    if passport.kind != needed:
        raise ValidationError(
            _("This trip needs the %(document)s, not the %(kind)s.")
            % {
                "document": PassportCustody.Kind(needed).label,
                "kind": passport.get_kind_display(),
            },
            code="wrong_document",
        )


def hand_out(passport, data, user) -> None:
    visit = data["visit"]
    passport.visit = visit
    passport.handed_out_on = data["handed_out_on"]
    passport.returned_on = None
    end = visit.actual_end or visit.planned_end
    passport.due_back_on = end + timedelta(days=settings.PASSPORT_DUE_BACK_DAYS) if end else None


def take_back(passport, data, user) -> None:
    if passport.handed_out_on and data["returned_on"] < passport.handed_out_on:
        raise ValidationError(_("The document cannot be returned before it was handed out."))
    passport.returned_on = data["returned_on"]


PASSPORT_WORKFLOW = register_workflow(
    Workflow(
        model=PassportCustody,
        initial=initial_values,
        transitions=[
            Transition(
                "hand_out",
                gettext_lazy("Hand out"),
                source=(PassportCustody.Status.IN_CUSTODY,),
                target=PassportCustody.Status.HANDED_OUT,
                form_class=HandOutForm,
                guard=may_hand_out,
                effect=hand_out,
            ),
            Transition(
                "take_back",
                gettext_lazy("Take back"),
                source=(PassportCustody.Status.HANDED_OUT,),
                target=PassportCustody.Status.IN_CUSTODY,
                form_class=TakeBackForm,
                effect=take_back,
            ),
        ],
    )
)

__all__ = [
    "PASSPORT_WORKFLOW",
    "VISIT_WORKFLOW",
    "initial_values",
    "passports_due_back",
    "selectors",
]
