"""The import page: upload, preview, confirm; the previewed file waits under MEDIA_ROOT."""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from foreign_affairs.imports.preview import run_import
from foreign_affairs.imports.resources import ImportResource
from foreign_affairs.imports.workbook import XLSX_MIME, read_workbook, template_workbook
from foreign_affairs.views.generic import ObjectPermissionMixin, object_url_name

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PENDING_SESSION_KEY = "pending_imports"
PENDING_MAX_AGE_SECONDS = 24 * 3600


def _pending_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def pending_save(request, data: bytes, model) -> str:
    """Keep a previewed workbook until it is confirmed; return the token that confirms it."""
    folder = _pending_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - PENDING_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(data)
    pending = request.session.get(PENDING_SESSION_KEY, {})
    pending[token] = model._meta.label
    request.session[PENDING_SESSION_KEY] = dict(list(pending.items())[-10:])
    return token


def pending_take(request, token: str, model) -> bytes | None:
    """Return the workbook this session previewed under `token` (once), or None."""
    pending = request.session.get(PENDING_SESSION_KEY, {})
    if pending.pop(token, None) != model._meta.label:
        return None
    request.session[PENDING_SESSION_KEY] = pending
    path = _pending_folder() / f"{token}.xlsx"
    try:
        data = path.read_bytes()
        path.unlink()
    except FileNotFoundError:
        return None
    return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_MIME}"}),
    )

    def __init__(self, *args, resource: ImportResource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.sheet = None
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)d MB; split it into smaller workbooks.")
                % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        self.content = upload.read()
        self.sheet = read_workbook(self.content, self.resource)
        return upload


class ObjectImportView(ObjectPermissionMixin, TemplateResponseMixin, ContextMixin, View):
    """Upload a workbook, preview every row, then import all of it or nothing.

    GET shows the form (`?template=1` downloads the header row as an .xlsx); POST with a file
    runs a dry run and shows the preview; POST with the preview's token imports for real.
    """

    action = "add"
    resource_class = None
    template_name = "generic/import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=self.resource_class().columns(),
            current=_("Import from Excel"),
            max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
            **kwargs,
        )

    def render_page(self, form=None, **kwargs):
        form = form or ImportForm(resource=self.resource_class())
        return self.render_to_response(self.get_context_data(form=form, **kwargs))

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            response = HttpResponse(
                template_workbook(self.resource_class()), content_type=XLSX_MIME
            )
            filename = _("%(models)s import template.xlsx") % {
                "models": self.model._meta.verbose_name_plural
            }
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        return self.render_page()

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request, request.POST["token"])
        form = ImportForm(request.POST, request.FILES, resource=self.resource_class())
        if not form.is_valid():
            return self.render_page(form)
        preview = run_import(form.sheet, self.resource_class, dry_run=True)
        token = pending_save(request, form.content, self.model) if preview.ok else ""
        return self.render_page(preview=preview, token=token, filename=form.cleaned_data["file"])

    def confirm(self, request, token: str):
        content = pending_take(request, token, self.model)
        if content is None:
            messages.error(
                request,
                _(
                    "This import is no longer pending (already imported or expired); upload the "
                    "workbook again."
                ),
            )
            return redirect(request.path)
        try:
            sheet = read_workbook(content, self.resource_class())
        except ValidationError as error:  # the stored file passed before; only a bug gets here
            messages.error(request, "；".join(error.messages))
            return redirect(request.path)
        preview = run_import(sheet, self.resource_class, dry_run=False)
        if not preview.ok:
            messages.error(
                request,
                _(
                    "Nothing was imported: the stored data changed since the preview. Correct the "
                    "rows below and upload the workbook again."
                ),
            )
            return self.render_page(preview=preview)
        messages.success(
            request,
            _("Imported %(new)d new and updated %(update)d existing %(models)s.")
            % {**preview.counts, "models": self.model._meta.verbose_name_plural},
        )
        return redirect(object_url_name(self.model, "list"))
