from django.core.management.base import BaseCommand

from reports.fonts import fonts_dir, prepare


class Command(BaseCommand):
    help = (
        "Cut the report's CJK faces to GB 2312 plus the characters of the portal's data "
        "(into PREPARED_FONTS_DIR, default var/fonts/): smaller, faster PDFs, same text."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-data",
            action="store_true",
            help="Leave out the characters of the database (GB 2312 and punctuation only).",
        )
        parser.add_argument("--extra", default="", help="More characters to keep.")

    def handle(self, *args, no_data=False, extra="", **options):
        faces = prepare(extra=extra, with_data=not no_data, log=self.stdout.write)
        if not faces:
            self.stderr.write(
                "No report face is installed (fonts-noto-cjk, fonts-lxgw-wenkai): nothing "
                "prepared; PDFs use whatever fontconfig finds."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"{len(faces)} faces prepared in {fonts_dir()}."))
