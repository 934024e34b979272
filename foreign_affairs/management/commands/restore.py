"""`manage.py restore ARCHIVE [--yes]`: the database and the media files of a backup."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from foreign_affairs.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from an archive of manage.py backup. "
        "The archive is verified first; a database or media folder that is not empty is "
        "replaced only with --yes (and saved first as BACKUP_DIR/pre-restore-….tar.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a portal-….tar.gz written by manage.py backup")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database and media folder that are not empty",
        )
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, archive, yes=False, database="default", **options):
        try:
            restored = restore_backup(archive, using=database, replace=yes)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            if restored.safety_backup:
                self.stdout.write(
                    _("What was replaced is saved in %(path)s.") % {"path": restored.safety_backup}
                )
            self.stdout.write(
                _("Restored %(tables)d tables and %(files)d media files from %(archive)s.")
                % {"tables": restored.tables, "files": restored.files, "archive": archive}
            )
