from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import translation

from foreign_affairs.roles import OFFICE_STAFF
from foreign_affairs.selectors import deadlines_for


class Command(BaseCommand):
    help = "E-mail each office staff member the deadlines due within N days and those overdue."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="look this many days ahead")
        parser.add_argument("--dry-run", action="store_true", help="print, do not send")

    def handle(self, *args, days=30, dry_run=False, **options):
        users = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=OFFICE_STAFF)
            .exclude(email="")
        )
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for user in users.distinct():
                items = deadlines_for(user, days=days)
                if not items:
                    continue
                body = render_to_string(
                    "email/reminders.txt", {"user": user, "items": items, "days": days}
                )
                count = len(items)
                subject = f"[{settings.SCHOOL_NAME}] " + translation.ngettext(
                    "%(n)d deadline due", "%(n)d deadlines due", count
                ) % {"n": count}
                if dry_run:
                    self.stdout.write(f"To: {user.email}\nSubject: {subject}\n\n{body}\n")
                else:
                    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                sent += 1
        self.stdout.write(f"{sent} reminder e-mail(s) {'prepared' if dry_run else 'sent'}.")
