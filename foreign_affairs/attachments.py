"""Attachments (signed agreements, contracts, permits, approvals): checked, renamed, guarded.

Uploads are accepted by content (magic bytes), not by name; stored under server-generated
names; and downloaded only through `attachment_download`, which checks the user's view
permission on the owning record (media files are never served publicly).

A record may name a file the storage no longer holds (a database restored without its media
folder): downloading it answers 404 with `templates/missing_file.html`, and the record stays
editable. `manage.py check_files` lists every such record.
"""

import logging
import re
import uuid

import filetype
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from foreign_affairs.privacy import may_see_personal_data, personal_data_access_log

logger = logging.getLogger(__name__)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def safe_filename(text: str) -> str:
    """Return `text` without the characters no file system accepts (may return "")."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", text).strip(" .")


def detected_extension(file) -> str | None:
    """Return the extension of the file's real type, from its first bytes, or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(position)
    kind = filetype.guess(head)
    return ALLOWED_TYPES.get(kind.mime) if kind else None


def validate_attachment(file) -> None:
    """Refuse files over 20 MB and files that are not really PDF, JPEG, PNG, DOCX or XLSX.

    Only new uploads are judged: a file already stored was checked when it was uploaded, and
    is not read again (it may be missing from the storage, and the record must stay editable).
    """
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 20 MB.") % {"size": file.size / 2**20},
            code="too_large",
        )
    if detected_extension(file) is None:
        raise ValidationError(
            _(
                "Only PDF, JPEG, PNG, DOCX and XLSX files are accepted; this file's content is "
                "none of them (the file name does not count)."
            ),
            code="file_type",
        )


@deconstructible
class AttachmentPath:
    """Store an upload as `<folder>/<year>/<random name>.<extension>`."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        from django.utils import timezone

        extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        return f"{self.folder}/{timezone.localdate().year}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, AttachmentPath) and other.folder == self.folder


class AttachmentField(models.FileField):
    """A FileField for official documents: validated by content, stored under a random name."""

    def __init__(self, *args, folder: str = "attachments", **kwargs):
        kwargs.setdefault("upload_to", AttachmentPath(folder))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators = [*self.validators, validate_attachment]

    def generate_filename(self, instance, filename):
        # The stored name's extension follows the content, never the uploader's file name.
        upload = getattr(getattr(instance, self.attname), "file", None)
        extension = detected_extension(upload) if upload is not None else None
        return super().generate_filename(instance, f"upload.{extension or 'bin'}")

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs


class MissingFileError(Exception):
    """A record names a stored file that the storage no longer holds.

    `obj` is the record, `field_name` its file field; `name` the path inside the storage.
    """

    def __init__(self, obj, field_name: str):
        self.obj = obj
        self.field_name = field_name
        self.name = getattr(obj, field_name).name
        super().__init__(f"{obj._meta.label} {obj.pk} {field_name}: {self.name} is missing")


def read_stored_file(obj, field_name: str) -> bytes:
    """Return the bytes of the file `obj.<field_name>`; raise MissingFileError when the storage
    no longer holds it."""
    try:
        with getattr(obj, field_name).open("rb") as stored:
            return stored.read()
    except FileNotFoundError as error:
        raise MissingFileError(obj, field_name) from error


def missing_file_response(request, error: MissingFileError) -> TemplateResponse:
    """Answer 404 with a page that names the record and the missing file, and log it for the
    administrator (the record itself is intact and stays editable)."""
    field = error.obj._meta.get_field(error.field_name)
    logger.warning("Stored file missing: %s (%s)", error, request.path)
    return TemplateResponse(
        request,
        "missing_file.html",
        {"record": error.obj, "field_label": field.verbose_name},
        status=404,
    )


def download_url(obj, field_name: str) -> str:
    """Return the permission-checked download URL of an attachment."""
    opts = obj._meta
    return reverse("attachment", args=[opts.app_label, opts.model_name, obj.pk, field_name])


def attachment_download(request, app_label, model_name, pk, field_name):
    """Serve an attachment to a user who may view the owning record; 404 for anything else."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    if not request.user.has_perm(f"{app_label}.view_{model_name}"):
        raise PermissionDenied
    field = next(
        (f for f in model._meta.fields if f.name == field_name and isinstance(f, models.FileField)),
        None,
    )
    if field is None:
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    file = getattr(obj, field_name)
    if not file:
        raise Http404
    personal = field_name in getattr(model, "personal_file_fields", ())
    if personal and not may_see_personal_data(request.user):
        # A passport or permit scan shows the identifiers in full: same rule as the numbers.
        raise PermissionDenied
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        # Nothing was shown, so nothing is logged as seen.
        return missing_file_response(request, MissingFileError(obj, field_name))
    if personal:
        personal_data_access_log(user=request.user, obj=obj, fields=[field_name], path=request.path)
    extension = file.name.rsplit(".", 1)[-1] if "." in file.name else ""
    filename = f"{obj}-{field.verbose_name}" + (f".{extension}" if extension else "")
    return FileResponse(handle, as_attachment=True, filename=filename)
