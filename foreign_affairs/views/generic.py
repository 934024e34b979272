"""Shared generic object views (NetBox style): each concrete view only names its parts.

The permission comes from the model and the action (`partners.change_agreement`) and is
checked once, in `dispatch`; templates hide what the user may not do, the server refuses it.
"""

import codecs

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, UpdateView, View
from django.views.generic.edit import DeletionMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from foreign_affairs.history import deleted_records, history_changes, record_restore
from foreign_affairs.models import StaleVersionError
from foreign_affairs.privacy import mask, may_see_personal_data, personal_data_access_log
from foreign_affairs.workflow import inbox_open, office


def display_name(obj) -> str:
    """Return how a related record is named on a page (people by their full name)."""
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() if full_name else "") or str(obj)


def object_url_name(model, view: str = "") -> str:
    """Return the URL name of a model's page, e.g. `partners:institution_edit`."""
    opts = model._meta
    return f"{opts.app_label}:{opts.model_name}{'_' + view if view else ''}"


class ObjectPermissionMixin:
    """Refuse the view unless the user holds `<app>.<action>_<model>`."""

    action = "view"
    queryset = None

    @property
    def model(self):
        return self.queryset.model

    def get_permission_required(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{self.action}_{opts.model_name}"

    def has_permission(self) -> bool:
        return self.request.user.has_perm(self.get_permission_required())

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        opts = self.model._meta
        user = self.request.user
        can = {
            action: user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "add", "change", "delete")
        }
        return super().get_context_data(
            opts=opts,
            can=can,
            list_url=reverse(object_url_name(self.model, "list")),
            **kwargs,
        )


class ObjectListView(ObjectPermissionMixin, ExportMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated table; `?export=xlsx|csv` exports the filtered rows."""

    template_name = "generic/object_list.html"
    filterset_class = None
    table_class = None
    table_pagination = {"per_page": 25}
    export_trigger_param = "export"
    export_formats = (TableExport.XLSX, TableExport.CSV)
    exclude_columns = ("actions",)
    import_url_name = None

    def get_queryset(self):
        return self.queryset.all()

    def exporting(self) -> str | None:
        """Return the export format asked for, if it is one the list offers (else None)."""
        wanted = self.request.GET.get(self.export_trigger_param)
        return wanted if wanted in self.export_formats else None

    def render_to_response(self, context, **kwargs):
        # Exporting Excel is office work (DESIGN §1): it needs the change permission.
        if self.exporting() and not context["can"]["change"]:
            raise PermissionDenied
        return super().render_to_response(context, **kwargs)

    def create_export(self, export_format):
        exporter = self.export_class(
            export_format=export_format,
            table=self.get_table(**self.get_table_kwargs()),
            exclude_columns=self.exclude_columns,
        )
        stamp = timezone.localdate().isoformat()
        filename = f"{self.model._meta.verbose_name_plural}-{stamp}.{export_format}"
        response = exporter.response(filename="export")
        if export_format == TableExport.CSV:
            # Excel on a Chinese Windows reads a CSV without a BOM as GBK and garbles it.
            response.content = codecs.BOM_UTF8 + response.content
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def get_table_kwargs(self):
        # Exports carry every filtered row, not just one page.
        if self.exporting():
            return {"exclude": self.exclude_columns}
        return {}

    def get_table_pagination(self, table):
        if self.exporting():
            return False
        return super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            query=query.urlencode(),
            import_url=reverse(self.import_url_name) if self.import_url_name else None,
            **kwargs,
        )


class Tab:
    """A tab of a detail page: related rows shown as a table."""

    def __init__(self, slug: str, title, table_class, rows, add_url_name: str = "", field=""):
        self.slug, self.title, self.table_class, self.rows = slug, title, table_class, rows
        self.add_url_name, self.field = add_url_name, field

    def render_for(self, obj, request):
        table = self.table_class(self.rows(obj), request=request)
        table.paginate(page=1, per_page=1000)
        add_url = ""
        if self.add_url_name:
            model = table._meta.model
            perm = f"{model._meta.app_label}.add_{model._meta.model_name}"
            if request.user.has_perm(perm):
                add_url = f"{reverse(self.add_url_name)}?{self.field}={obj.pk}"
        return {"slug": self.slug, "title": self.title, "table": table, "add_url": add_url}


class ObjectView(ObjectPermissionMixin, DetailView):
    """One record: its fields, related tabs and its change history."""

    template_name = "generic/object_detail.html"
    tabs: list[Tab] = []
    hidden_fields = ("id", "version", "created", "updated")
    personal_fields: tuple[str, ...] = ()

    def get_fields(self):
        """Return (label, value) pairs of the record's own fields for display.

        Personal identifiers are masked unless the user may see them; an unmasked view of
        any of them is written to the access log.
        """
        obj = self.object
        unmasked = may_see_personal_data(self.request.user)
        shown_personal = []
        rows = []
        for field in obj._meta.get_fields():
            if not getattr(field, "concrete", False) or field.name in self.hidden_fields:
                continue
            if field.many_to_many:
                value = "、".join(display_name(item) for item in getattr(obj, field.name).all())
            elif field.choices and not getattr(field, "multiple", False):
                value = getattr(obj, f"get_{field.name}_display")()
            else:
                value = getattr(obj, field.name)
            if field.name in self.personal_fields and value:
                if unmasked:
                    shown_personal.append(field.name)
                else:
                    value = mask(value)
            rows.append({"name": field.name, "label": field.verbose_name, "value": value})
        if shown_personal:
            personal_data_access_log(
                user=self.request.user, obj=obj, fields=shown_personal, path=self.request.path
            )
        return rows

    def get_context_data(self, **kwargs):
        from foreign_affairs.compliance import findings
        from foreign_affairs.views.workflow import workflow_context
        from foreign_affairs.workflow import is_read_only

        context = super().get_context_data(
            findings=findings(self.object),
            **workflow_context(self.object, self.request.user),
            fields=self.get_fields(),
            tabs=[tab.render_for(self.object, self.request) for tab in self.tabs],
            history=history_changes(
                self.object,
                masked_fields=()
                if may_see_personal_data(self.request.user)
                else self.personal_fields,
            ),
            **kwargs,
        )
        context["read_only"] = is_read_only(self.object)
        if context["read_only"]:  # a closed visit, an approved report: no edit, no delete
            context["can"] = {**context["can"], "change": False, "delete": False}
        return context


class ObjectEditView(ObjectPermissionMixin, UpdateView):
    """Create or change a record; a stale version is refused with the other person's change.

    A user who may add but not change records (a liaison) makes a proposal: the form keeps
    only `proposal_fields`, and `proposal_values` (e.g. a draft status) are set on the record.
    """

    template_name = "generic/object_edit.html"
    form_class = None
    personal_fields: tuple[str, ...] = ()
    proposal_fields: tuple[str, ...] | None = None
    proposal_values: dict = {}
    proposal_task = None  # what the office is asked to do with a new proposal (its inbox)

    def is_proposal(self) -> bool:
        opts = self.model._meta
        return self.object is None and not self.request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    @property
    def action(self):
        return "change" if self.kwargs.get("pk") else "add"

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        return super().get_object(queryset)

    def dispatch(self, request, *args, **kwargs):
        # A record its workflow has made read-only (a closed visit) opens no edit form.
        from foreign_affairs.workflow import ensure_editable

        if self.kwargs.get("pk") and self.has_permission():
            obj = self.get_object()
            try:
                ensure_editable(obj)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
                return redirect(obj.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The form shows personal identifiers unmasked: that is an access like the detail page.
        shown = [name for name in self.personal_fields if getattr(self.object, name, None)]
        if self.object is not None and shown and may_see_personal_data(request.user):
            personal_data_access_log(
                user=request.user, obj=self.object, fields=shown, path=request.path
            )
        return response

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not may_see_personal_data(self.request.user):
            for name in self.personal_fields:
                form.fields.pop(name, None)
        if self.is_proposal():
            for name in list(form.fields):
                if self.proposal_fields is not None and name not in self.proposal_fields:
                    del form.fields[name]
            for name, value in self.proposal_values.items():
                setattr(form.instance, name, value)
        return form

    def get_initial(self):
        """Prefill fields named in the query string (e.g. `?institution=3` from a tab)."""
        names = self.get_form_class().base_fields
        return {key: value for key, value in self.request.GET.items() if key in names}

    def form_valid(self, form):
        proposing = self.object is None and self.is_proposal()
        try:
            with transaction.atomic():
                self.object = form.save()
                if proposing and self.proposal_task:
                    inbox_open(
                        obj=self.object,
                        recipients=office(self.object),
                        task=self.proposal_task,
                        actor=self.request.user,
                    )
        except StaleVersionError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved “%(obj)s”.") % {"obj": self.object})
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectDeleteView(ObjectPermissionMixin, DeletionMixin, DetailView):
    """Confirm and delete a record; it stays restorable from its history."""

    action = "delete"
    template_name = "generic/object_delete.html"

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            obj.delete()
        except ValidationError as error:  # e.g. a record its workflow has made read-only
            messages.error(request, "；".join(error.messages))
            return redirect(obj.get_absolute_url())
        except ProtectedError as error:
            names = "、".join(str(item) for item in list(error.protected_objects)[:5])
            messages.error(
                request,
                _("“%(obj)s” cannot be deleted while these records refer to it: %(names)s.")
                % {"obj": obj, "names": names},
            )
            return redirect(obj.get_absolute_url())
        messages.success(
            request,
            _("Deleted “%(obj)s”. It can be restored from the deleted records.") % {"obj": obj},
        )
        return redirect(object_url_name(self.model, "list"))


class DeletedListView(ObjectPermissionMixin, ListView):
    """The deleted records of a model, newest first, each restorable."""

    template_name = "generic/deleted_list.html"
    context_object_name = "records"

    def get_queryset(self):
        return deleted_records(self.model)[:200]


class RestoreView(ObjectPermissionMixin, View):
    """Restore one deleted record (POST), or say clearly why it cannot be restored.

    Undoing a deletion is the deleter's privilege: it needs the delete permission (a liaison
    may add proposals but must not bring back what the office removed).
    """

    action = "delete"
    http_method_names = ["post"]

    def post(self, request, history_id):
        record = get_object_or_404(deleted_records(self.model), history_id=history_id)
        try:
            obj = record_restore(record=record, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("“%(obj)s” cannot be restored: %(problems)s")
                % {"obj": record.instance, "problems": "；".join(error.messages)},
            )
            return redirect(object_url_name(self.model, "deleted"))
        messages.success(request, _("Restored “%(obj)s”.") % {"obj": obj})
        return redirect(obj.get_absolute_url())
