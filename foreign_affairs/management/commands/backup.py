"""`manage.py backup`: the database and the media files in one dated archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from foreign_affairs.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump --format=custom, or SQLite's backup API) and every media "
        "file into one archive BACKUP_DIR/portal-YYYY-MM-DD-HHMMSS.tar.gz; print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            help="the folder to write to (default: BACKUP_DIR, var/backups)",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            help="afterwards delete this folder's portal-*.tar.gz archives older than N days",
        )
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, directory=None, keep_days=None, database="default", **options):
        if keep_days is not None and keep_days < 1:
            raise CommandError(_("--keep-days must be at least 1."))
        folder = Path(directory or settings.BACKUP_DIR)
        try:
            path = create_backup(folder, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            size = path.stat().st_size / 2**20
            self.stdout.write(_("Wrote %(path)s (%(size).1f MB).") % {"path": path, "size": size})
        if keep_days is not None:
            limit = timezone.now().timestamp() - keep_days * 86400
            for old in sorted(folder.glob("portal-*.tar.gz")):
                if old != path and old.stat().st_mtime < limit:
                    old.unlink()
                    if options["verbosity"] > 0:
                        self.stdout.write(_("Deleted %(path)s.") % {"path": old})
