"""Fill every domain model with N realistic rows for the benchmark (demo/bench.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo import bench


class Command(BaseCommand):
    help = (
        "Fill every domain model with N realistic rows (Chinese and English names, dates over "
        "the years around today), deterministic, in bulk. Refuses a database that already "
        "holds records unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="rows of each model")
        parser.add_argument("--seed", type=int, default=bench.DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the rows even though the database already holds records",
        )

    def handle(self, *args, **options):
        if options["rows"] < 1:
            raise CommandError(_("--rows must be at least 1."))
        start = time.perf_counter()
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            created = bench.seed(
                options["rows"], seed=options["seed"], force=options["force"], log=log
            )
        except bench.SeedError:
            raise CommandError(
                _(
                    "The database already holds records: seed_bench fills an empty database. "
                    "Use --force to add the rows anyway."
                )
            ) from None
        elapsed = time.perf_counter() - start
        if not options["verbosity"]:
            return
        width = max(map(len, created))
        for label, count in created.items():
            self.stdout.write(f"{label:<{width}}  {count:>8,}")
        message = _(
            "Created %(total)s rows (and their history) in %(seconds).1f s. Log in as "
            "%(staff)s (office staff) or %(superuser)s (superuser) with the demo password."
        ) % {
            "total": f"{sum(created.values()):,}",
            "seconds": elapsed,
            "staff": bench.STAFF_USERNAME,
            "superuser": bench.SUPERUSER_USERNAME,
        }
        self.stdout.write(self.style.SUCCESS(message))
