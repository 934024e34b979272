"""Writes of the reports app: the draft from data, the review workflow and section editing."""

from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from foreign_affairs.workflow import ensure_editable, transition_run
from reports import selectors
from reports.draft import (
    PLAN_BODIES,
    PLAN_INTRO,
    PLAN_SECTIONS,
    PREFACE,
    SUMMARY_BODIES,
    SUMMARY_SECTIONS,
)
from reports.models import AnnualReport, ReportPart, ReportSection, default_report_title
from reports.statistics import (
    report_statistics,
)

# --- shared plumbing ------------------------------------------------------------------------


def _require(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(_("You do not have the permission to do this."))


def _save(obj: models.Model, user=None) -> None:
    """Validate and save `obj`, recording `user` as the author of the history entry."""
    if user is not None:
        obj._history_user = user
    obj.full_clean()
    obj.save()


def report_ensure_editable(report: AnnualReport) -> None:
    """Refuse changes to a report that is approved (read-only) or waiting for review."""
    ensure_editable(report)
    if report.status == AnnualReport.Status.IN_REVIEW:
        raise ValidationError(
            _("The report is in review: it can be changed once it is returned for changes."),
            code="in_review",
        )


# --- draft from data ------------------------------------------------------------------------


def report_create_draft(*, year: int, user: AbstractBaseUser) -> AnnualReport:
    """Create the year's report: the standard sections, each holding that year's facts."""
    if AnnualReport.objects.filter(year=year).exists():
        raise ValidationError(
            _("There is already a report for %(year)s.") % {"year": year}, code="duplicate"
        )
    facts = selectors.report_year_facts(year)
    stats = report_statistics(year)
    summary = [body(facts, stats) for body in SUMMARY_BODIES]
    plan = [body(facts, stats) for body in PLAN_BODIES]
    try:
        with transaction.atomic():
            return _create_report(year, user, summary, plan)
    except IntegrityError:  # another writer created the year's report meanwhile
        raise ValidationError(
            _("There is already a report for %(year)s.") % {"year": year}, code="duplicate"
        ) from None


def _create_report(year: int, user, summary: list[str], plan: list[str]) -> AnnualReport:
    report = AnnualReport(
        year=year,
        title=default_report_title(year),
        preface=PREFACE.format(year=year),
        prepared_by=user,
    )
    _save(report, user)
    parts = [
        (ReportPart.Kind.SUMMARY, f"{year}年学校外事工作总结", "", SUMMARY_SECTIONS, summary),
        (ReportPart.Kind.PLAN, f"{year + 1}年学校外事工作计划", PLAN_INTRO, PLAN_SECTIONS, plan),
    ]
    for order, (kind, title, intro, titles, bodies) in enumerate(parts, start=1):
        part = ReportPart(
            report=report, kind=kind, title=title, intro=intro.format(year=year + 1), order=order
        )
        _save(part, user)
        for number, (section_title, body) in enumerate(zip(titles, bodies, strict=True), 1):
            _save(ReportSection(part=part, order=number, title=section_title, body=body), user)
    return report


# --- review workflow (reports/workflows.py) ---------------------------------------------------


def report_submit(*, report: AnnualReport, user: AbstractBaseUser) -> AnnualReport:
    """Send a draft report to leadership for review."""
    return transition_run(obj=report, name="submit", user=user)


def report_return(*, report: AnnualReport, user: AbstractBaseUser, comment: str) -> AnnualReport:
    """Send a report in review back to its writers as a draft, saying what to change."""
    return transition_run(obj=report, name="return", user=user, comment=comment)


def report_approve(*, report: AnnualReport, user: AbstractBaseUser) -> AnnualReport:
    """Freeze the statistics, archive the PDF and mark the report approved."""
    return transition_run(obj=report, name="approve", user=user)


# --- sections -------------------------------------------------------------------------------


def _locked_part(part: ReportPart) -> ReportPart:
    """Lock the part (and its report) so concurrent section edits apply one after another."""
    locked = ReportPart.objects.select_for_update().select_related("report").get(pk=part.pk)
    report_ensure_editable(locked.report)
    return locked


def _renumber(part: ReportPart, sections: list[ReportSection], user=None) -> None:
    """Give `sections` the orders 1, 2, 3 … in the given sequence, one history entry each.

    (part, order) is unique and checked row by row, so the rows to move are first parked
    above every order in use.
    """
    moving = [s for number, s in enumerate(sections, 1) if s.order != number]
    if not moving:
        return
    park = (part.sections.aggregate(top=Max("order"))["top"] or 0) + 1
    ReportSection.objects.filter(pk__in=[s.pk for s in moving]).update(order=F("order") + park)
    for number, section in enumerate(sections, 1):
        if section.order != number:
            section.order = number
            _save(section, user)


def section_add(
    *, part: ReportPart, title: str, body: str = "", user: AbstractBaseUser | None = None
) -> ReportSection:
    """Append a section at the end of a part of a draft report."""
    if user is not None:
        _require(user, "reports.add_reportsection")
    with transaction.atomic():
        part = _locked_part(part)
        top = part.sections.aggregate(top=Max("order"))["top"] or 0
        section = ReportSection(part=part, order=top + 1, title=title, body=body)
        _save(section, user)
    return section


def section_move(
    *,
    section: ReportSection,
    direction: Literal["up", "down"],
    user: AbstractBaseUser | None = None,
) -> ReportSection:
    """Swap a section with its neighbour above or below (nothing happens at either end)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("A section moves up or down."), code="direction")
    if user is not None:
        _require(user, "reports.change_reportsection")
    with transaction.atomic():
        part = _locked_part(section.part)
        sections = list(part.sections.order_by("order", "pk"))
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(sections):
            sections[index], sections[other] = sections[other], sections[index]
            _renumber(part, sections, user)
        moved = sections[other if 0 <= other < len(sections) else index]
    section.order, section.version = moved.order, moved.version
    return section


def section_delete(*, section: ReportSection, user: AbstractBaseUser | None = None) -> None:
    """Delete a section of a draft report and number the remaining ones 1, 2, 3 … again."""
    if user is not None:
        _require(user, "reports.delete_reportsection")
    with transaction.atomic():
        part = _locked_part(section.part)
        if user is not None:
            section._history_user = user
        section.delete()
        _renumber(part, list(part.sections.order_by("order", "pk")), user)
