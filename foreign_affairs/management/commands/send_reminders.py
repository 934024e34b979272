from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from foreign_affairs.models import ReminderSent
from foreign_affairs.selectors import reminders_due


class Command(BaseCommand):
    help = (
        "E-mail each user the deadlines they are responsible for, once per reminder stage "
        "(e.g. 180, 90 and 30 days before an agreement ends, and once when due). Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="look at most N days ahead")
        parser.add_argument("--dry-run", action="store_true", help="print, send and record nothing")

    def handle(self, *args, days=None, dry_run=False, **options):
        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        today = timezone.localdate()
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for user in users.order_by("pk"):
                due = reminders_due(user, days=days)
                if not due:
                    continue
                rows = [_row(item, today) for item, _stage in due]
                body = render_to_string("email/reminders.txt", {"user": user, "rows": rows})
                count = len(rows)
                subject = f"[{settings.SCHOOL_NAME}] " + translation.ngettext(
                    "%(n)d deadline due", "%(n)d deadlines due", count
                ) % {"n": count}
                if dry_run:
                    self.stdout.write(f"To: {user.email}\nSubject: {subject}\n\n{body}\n")
                else:
                    with transaction.atomic():
                        _record(user, due)
                        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                sent += 1
        self.stdout.write(f"{sent} reminder e-mail(s) {'prepared' if dry_run else 'sent'}.")


def _row(item, today) -> dict:
    left = item.days_left(today)
    return {"item": item, "left": left, "overdue": max(-left, 0)}


def _record(user, due) -> None:
    """Remember each (deadline, stage) mailed to the user, so it is not mailed again."""
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(
                user=user,
                content_type=ContentType.objects.get_for_model(item.obj),
                object_id=item.obj.pk,
                due_on=item.due_on,
                stage=stage,
            )
            for item, stage in due
        ],
        ignore_conflicts=True,
    )
