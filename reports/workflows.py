"""The review workflow of the yearly report: draft → in review → approved (read-only).

"Return for changes" sends a report in review back to draft with a comment. Approval freezes
the statistics and archives the PDF with its SHA-256; from then on the report, its parts and
its sections are read-only on every path (the workflow layer's `read_only_states`).
"""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy

from foreign_affairs.workflow import Transition, Workflow, leadership, owner, register_workflow
from reports.models import AnnualReport

S = AnnualReport.Status


def freeze_and_archive(report, data, user) -> None:
    """Freeze the year's statistics and archive the approved PDF (not yet saved)."""
    from reports.output import appendix_html
    from reports.pdf import render_report_pdf, report_filename
    from reports.statistics import report_statistics

    report.statistics = report_statistics(report.year)
    report.approved_by = user
    report.approved_at = timezone.now()
    statistics = appendix_html(report, report.statistics)
    pdf = render_report_pdf(report, draft=False, statistics_html=statistics)
    report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    report.pdf_file.save(report_filename(report), ContentFile(pdf), save=False)


def drop_archived_pdf(report) -> None:
    """Storage is not transactional: remove the PDF of an approval that did not happen."""
    if report.pdf_file:
        report.pdf_file.delete(save=False)


def keep_comment(report, data, user) -> None:
    report.return_comment = data["comment"]


REPORT_WORKFLOW = register_workflow(
    Workflow(
        model=AnnualReport,
        owner_field="prepared_by",
        read_only_states=(S.APPROVED,),
        transitions=[
            Transition(
                "submit",
                gettext_lazy("Submit for review"),
                source=(S.DRAFT,),
                target=S.IN_REVIEW,
                notify=leadership,
                task=gettext_lazy("Review and approve the annual report"),
            ),
            Transition(
                "approve",
                gettext_lazy("Approve"),
                source=(S.IN_REVIEW,),
                target=S.APPROVED,
                effect=freeze_and_archive,
                on_error=drop_archived_pdf,
                notify=owner,
                task=gettext_lazy("The annual report was approved"),
                irreversible=True,
                style="success",
            ),
            Transition(
                "return",
                gettext_lazy("Return for changes"),
                source=(S.IN_REVIEW,),
                target=S.DRAFT,
                effect=keep_comment,
                notify=owner,
                task=gettext_lazy("Change the annual report as asked and submit it again"),
                comment_required=True,
                style="outline-secondary",
            ),
        ],
    )
)
