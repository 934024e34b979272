"""`manage.py check_files`: every record whose stored file is missing or no longer matches.

Exit status 0 when every file is present and matches its recorded SHA-256, 1 otherwise
(so cron or monitoring can alert on it).
"""

import hashlib
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foreign_affairs.management.commands.compliance_report import display_width

COLUMNS = ("model", "pk", "field", "path", "problem")
MISSING = "missing"
SHA256_MISMATCH = "sha256-mismatch"
UNREADABLE = "unreadable"


def sha256_field_name(model: type[models.Model], field: models.FileField) -> str | None:
    """Return the name of the field holding the SHA-256 of `field`'s file, or None.

    The convention of the portal's models: `<field>_sha256` (Agreement.signed_file →
    signed_file_sha256) or, for a field named `<x>_file`, `<x>_sha256` (AnnualReport.pdf_file →
    pdf_sha256)."""
    names = {field.name for field in model._meta.concrete_fields}
    for candidate in (f"{field.name}_sha256", f"{field.name.removesuffix('_file')}_sha256"):
        if candidate in names:
            return candidate
    return None


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField, str | None]]:
    """Yield (model, file field, name of its SHA-256 field or None) for every concrete model.

    Proxy and unmanaged models are left out (their rows are another model's); the historical
    models of simple-history keep file paths in text fields, so they are not file fields."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field, sha256_field_name(model, field)


def file_sha256(storage, name: str) -> str:
    """Return the hex SHA-256 of a stored file, read in chunks (constant memory)."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def file_problems() -> Iterator[dict]:
    """Yield one row per problem: {"model", "pk", "field", "path", "problem"}.

    `problem` is `missing` (the storage does not hold the file), `sha256-mismatch` (the file
    is there but its SHA-256 differs from the one recorded when it was stored) or `unreadable`
    (the storage refused to open it). Records without a file are not checked."""
    for model, field, sha_name in file_fields():
        rows = (
            model._base_manager.exclude(**{field.name: ""})
            .exclude(**{f"{field.name}__isnull": True})
            .order_by("pk")
            .values_list("pk", field.name, *([sha_name] if sha_name else []))
        )
        for pk, name, *recorded in rows.iterator():
            problem = None
            try:
                if not field.storage.exists(name):
                    problem = MISSING
                elif recorded and recorded[0] and file_sha256(field.storage, name) != recorded[0]:
                    problem = SHA256_MISMATCH
            except FileNotFoundError:
                problem = MISSING
            except OSError:
                problem = UNREADABLE
            if problem:
                yield {
                    "model": model._meta.label,
                    "pk": str(pk),
                    "field": field.name,
                    "path": name,
                    "problem": problem,
                }


def aligned(rows: list[dict]) -> list[str]:
    """Return the rows as table lines whose columns line up, a header line first."""
    table = [dict(zip(COLUMNS, COLUMNS, strict=True)), *rows]
    widths = {column: max(display_width(row[column]) for row in table) for column in COLUMNS}
    return [
        "  ".join(
            row[column] + " " * (widths[column] - display_width(row[column])) for column in COLUMNS
        ).rstrip()
        for row in table
    ]


class Command(BaseCommand):
    help = (
        "List every record whose file is missing from the storage or whose SHA-256 no longer "
        "matches (columns: model, pk, field, path, problem). Exit status 1 when there is one."
    )

    def handle(self, *args, **options):
        rows = list(file_problems())
        with translation.override(settings.LANGUAGE_CODE):
            if not rows:
                self.stdout.write(_("Every stored file is present and matches its SHA-256."))
                return
            self.stdout.write("\n".join(aligned(rows)))
            raise CommandError(
                ngettext(
                    "%(count)d stored file is missing or changed.",
                    "%(count)d stored files are missing or changed.",
                    len(rows),
                )
                % {"count": len(rows)},
                returncode=1,
            )
