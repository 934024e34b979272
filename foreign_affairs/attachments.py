"""Attachments (signed agreements, contracts, permits, approvals): checked, renamed, guarded.

Uploads are accepted by content (magic bytes), not by name; stored under server-generated
names; and opened only through `attachment_download` (a download) or `attachment_view` (a page
showing a PDF or an image inline, streamed by `attachment_inline`), which all check
`may_open_attachment` on the owning record (media files are never served publicly).

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
from django.urls import NoReverseMatch, reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

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


# Types a browser shows without running anything of the file's own: shown inline (by content,
# never by name); every other type is only ever downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}
INLINE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg", "gif", "webp"}
# A file shown inline runs no script, loads nothing, and may be framed by the portal only.
INLINE_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'self'; sandbox; frame-ancestors 'self'"
)


def download_url(obj, field_name: str) -> str:
    """Return the permission-checked download URL of an attachment."""
    opts = obj._meta
    return reverse("attachment", args=[opts.app_label, opts.model_name, obj.pk, field_name])


def _file_url(name: str, obj, field_name: str) -> str:
    opts = obj._meta
    return reverse(name, args=[opts.app_label, opts.model_name, obj.pk, field_name])


def may_open_attachment(user, model, field_name: str) -> bool:
    """Return whether `user` may open the files of `model.<field_name>`: the view permission
    of the model, and for a scan of identity papers (`personal_file_fields`) the permission to
    see personal data. The download, the viewer and every link on a page ask this."""
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return False
    personal = field_name in getattr(model, "personal_file_fields", ())
    return not personal or may_see_personal_data(user)


def attachment_links(user, obj, field_name: str) -> dict:
    """Return what a page may offer for `obj.<field_name>`: whether a file is stored, whether
    the user may open it, and then its download URL and (for images and PDFs) its viewer."""
    file = getattr(obj, field_name)
    if not file:
        return {"stored": False}
    if not may_open_attachment(user, type(obj), field_name):
        return {"stored": True, "allowed": False}
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    return {
        "stored": True,
        "allowed": True,
        "download_url": download_url(obj, field_name),
        # The stored name's extension was chosen from the content at upload; the viewer
        # checks the content again before showing anything inline.
        "view_url": _file_url("attachment_view", obj, field_name)
        if extension in INLINE_EXTENSIONS
        else "",
    }


def inline_type(handle) -> str | None:
    """Return the MIME type of an open file if a browser may show it inline, else None."""
    head = handle.read(8192)
    handle.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind and kind.mime in INLINE_TYPES else None


def _attachment(request, app_label, model_name, pk, field_name):
    """Return (record, field, file) after the permission check; 403 or 404 otherwise."""
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
    if not may_open_attachment(request.user, model, field_name):
        # A passport or permit scan shows the identifiers in full: same rule as the numbers.
        raise PermissionDenied
    return obj, field, file


def _serve(request, obj, field, file, *, inline: bool):
    """Stream the file; log it as a view of personal data when it is a scan of identity papers."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        # Nothing was shown, so nothing is logged as seen.
        return missing_file_response(request, MissingFileError(obj, field.name))
    content_type = inline_type(handle) if inline else None
    if field.name in getattr(type(obj), "personal_file_fields", ()):
        personal_data_access_log(user=request.user, obj=obj, fields=[field.name], path=request.path)
    extension = file.name.rsplit(".", 1)[-1] if "." in file.name else ""
    filename = f"{obj}-{field.verbose_name}" + (f".{extension}" if extension else "")
    response = FileResponse(handle, as_attachment=content_type is None, filename=filename)
    if content_type:
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_download(request, app_label, model_name, pk, field_name):
    """Serve an attachment to a user who may open it (`may_open_attachment`), as a download."""
    obj, field, file = _attachment(request, app_label, model_name, pk, field_name)
    return _serve(request, obj, field, file, inline=False)


@xframe_options_sameorigin
def attachment_inline(request, app_label, model_name, pk, field_name):
    """Stream an attachment for the viewer: inline if its content is a PDF or an image of a
    safe type (script-free, sandboxed), as a download otherwise."""
    obj, field, file = _attachment(request, app_label, model_name, pk, field_name)
    return _serve(request, obj, field, file, inline=True)


def list_url(obj) -> str:
    """Return the URL of the list of `obj`'s model, or "" if it has none."""
    opts = obj._meta
    try:
        return reverse(f"{opts.app_label}:{opts.model_name}_list")
    except NoReverseMatch:
        return ""


def attachment_view(request, app_label, model_name, pk, field_name):
    """Show an attachment in the portal's page (image or PDF), after the download's checks."""
    obj, field, file = _attachment(request, app_label, model_name, pk, field_name)
    try:
        with file.open("rb") as handle:
            content_type = inline_type(handle)
    except FileNotFoundError:
        return missing_file_response(request, MissingFileError(obj, field_name))
    context = {
        "record": obj,
        "object": obj,  # the breadcrumbs: list › record › file
        "current": field.verbose_name,
        "list_url": list_url(obj),
        "opts": obj._meta,
        "field_label": field.verbose_name,
        "content_type": content_type or "",
        "is_image": bool(content_type and content_type.startswith("image/")),
        "inline_url": _file_url("attachment_inline", obj, field_name),
        "download_url": download_url(obj, field_name),
    }
    return TemplateResponse(request, "files/viewer.html", context)
