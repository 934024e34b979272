"""Load the living demo office (demo/office.py), dated from today."""

from django.core.management.base import BaseCommand

from demo.office import build_demo, demo_loaded


class Command(BaseCommand):
    help = "Load the demo office, dated from today, on top of the 2020 sample report (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Do nothing when the demo was loaded into this database before.",
        )

    def handle(self, *args, once=False, **options):
        if once and demo_loaded():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        created = build_demo()
        total = sum(created.values())
        details = ", ".join(f"{name} {count}" for name, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {total} rows created ({details or '-'}).")
        )
