"""Shared generic object views (NetBox style): each concrete view only names its parts.

The permission comes from the model and the action (`partners.change_agreement`) and is
checked once, in `dispatch`; templates hide what the user may not do, the server refuses it.
"""

import codecs

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, UpdateView, View
from django.views.generic.edit import DeletionMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from foreign_affairs.history import (
    deleted_records,
    history_changes,
    name_of,
    record_restore,
    restore_plan,
    taken_along,
)
from foreign_affairs.models import StaleVersionError
from foreign_affairs.privacy import (
    mask,
    may_see_personal_data,
    personal_data_access_log,
    personal_fields,
    shown_personal_fields,
)
from foreign_affairs.spreadsheets import SafeTableExport
from foreign_affairs.tables import hidden_columns, may_view
from foreign_affairs.workflow import inbox_open, office

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500


class PaginationForm(forms.Form):
    """The page of a list and its size, bounded (issue 10, item 5)."""

    page = forms.IntegerField(
        label=gettext_lazy("page"), min_value=1, max_value=MAX_PAGE, required=False
    )
    per_page = forms.IntegerField(
        label=gettext_lazy("rows per page"), min_value=1, max_value=MAX_PER_PAGE, required=False
    )


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
    export_class = SafeTableExport  # every cell neutralised against formula injection
    exclude_columns = ("actions",)
    import_url_name = None

    def get_queryset(self):
        return self.queryset.all()

    def exporting(self) -> str | None:
        """Return the export format asked for, if it is one the list offers (else None).

        With an invalid filter there is nothing to export: the list shows the filter's errors.
        """
        wanted = self.request.GET.get(self.export_trigger_param)
        if wanted not in self.export_formats:
            return None
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            return None
        return wanted

    def render_to_response(self, context, **kwargs):
        if not self.exporting():  # any other `export` value (json, xls...) shows the list
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        # Exporting Excel is office work (DESIGN §1): it needs the change permission.
        if not context["can"]["change"]:
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
        # Columns showing records the user may not view are left out, on the page and in
        # the export; exports carry every filtered row, not just one page.
        exclude = hidden_columns(self.table_class, self.request.user)
        if self.exporting():
            exclude = (*self.exclude_columns, *exclude)
        return {"exclude": exclude} if exclude else {}

    def get_table_pagination(self, table):
        return False  # `get_table` paginates, with `page` and `per_page` checked first

    def pagination_form(self) -> "PaginationForm":
        if not hasattr(self, "_pagination_form"):
            self._pagination_form = PaginationForm(self.request.GET)
            self._pagination_form.is_valid()
        return self._pagination_form

    def get_table(self, **kwargs):
        """Return the table sorted as asked, and one page of it unless exporting.

        `page` and `per_page` go through `PaginationForm`: a value it refuses is shown as an
        error above the table and the default is used; a page past the last shows the last.
        """
        table = super().get_table(**kwargs)
        if self.exporting():
            return table
        values = self.pagination_form().cleaned_data
        per_page = values.get("per_page") or self.table_pagination["per_page"]
        try:
            table.paginate(page=values.get("page") or 1, per_page=per_page)
        except EmptyPage:
            table.paginate(page=table.paginator.num_pages, per_page=per_page)
        return table

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            query=query.urlencode(),
            pagination_errors=[
                f"{form_field.label}：{error}"
                for form_field in self.pagination_form()
                for error in form_field.errors
            ],
            import_url=reverse(self.import_url_name) if self.import_url_name else None,
            **kwargs,
        )


class Tab:
    """A tab of a detail page: related rows shown as a table.

    The tab is shown only to users who may view the model of its rows
    (`<app>.view_<model>`); to anyone else it is not rendered at all, not even its count.
    """

    def __init__(self, slug: str, title, table_class, rows, add_url_name: str = "", field=""):
        self.slug, self.title, self.table_class, self.rows = slug, title, table_class, rows
        self.add_url_name, self.field = add_url_name, field

    def model_for(self, obj):
        """Return the model of the tab's rows (the queryset is built, not evaluated)."""
        return self.rows(obj).model

    def visible_to(self, user, obj) -> bool:
        return may_view(user, self.model_for(obj))

    def render_for(self, obj, request):
        rows = self.rows(obj)
        exclude = hidden_columns(self.table_class, request.user, rows.model)
        table = self.table_class(rows, request=request, exclude=exclude)
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

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return personal_fields(self.model)  # declared on the model (foreign_affairs.privacy)

    def get_fields(self):
        """Return (label, value) pairs of the record's own fields for display.

        Personal identifiers are masked unless the user may see them (an unmasked view is
        written to the access log by `get_context_data`); a relation to records the user may
        not view is left out.
        """
        obj = self.object
        user = self.request.user
        unmasked = may_see_personal_data(user)
        self.shown_personal = []
        rows = []
        for field in obj._meta.get_fields():
            if not getattr(field, "concrete", False) or field.name in self.hidden_fields:
                continue
            if field.is_relation and not may_view(user, field.related_model):
                continue
            if field.many_to_many:
                value = "、".join(display_name(item) for item in getattr(obj, field.name).all())
            elif field.choices and not getattr(field, "multiple", False):
                value = getattr(obj, f"get_{field.name}_display")()
            else:
                value = getattr(obj, field.name)
            if field.name in self.personal_fields and value:
                if unmasked:
                    self.shown_personal.append(field.name)
                else:
                    value = mask(value)
            rows.append({"name": field.name, "label": field.verbose_name, "value": value})
        return rows

    def get_tabs(self) -> list[dict]:
        """Return the rendered tabs the user may see (tabs of other records' models are
        checked against `<app>.view_<model>` of their rows)."""
        user = self.request.user
        return [
            tab.render_for(self.object, self.request)
            for tab in self.tabs
            if tab.visible_to(user, self.object)
        ]

    def get_context_data(self, **kwargs):
        from foreign_affairs.compliance import findings
        from foreign_affairs.views.workflow import workflow_context
        from foreign_affairs.workflow import is_read_only

        fields = self.get_fields()
        history = history_changes(self.object, user=self.request.user)
        context = super().get_context_data(
            findings=findings(self.object),
            **workflow_context(self.object, self.request.user),
            fields=fields,
            tabs=self.get_tabs(),
            history=history,
            **kwargs,
        )
        # One access-log row for the page: the identifiers in the fields and in the history.
        shown = set(self.shown_personal)
        if may_see_personal_data(self.request.user):
            shown |= {
                change["field"]
                for entry in history
                for change in entry["changes"]
                if change["field"] in self.personal_fields
            }
        if shown:
            personal_data_access_log(
                user=self.request.user,
                obj=self.object,
                fields=[name for name in self.personal_fields if name in shown],
                path=self.request.path,
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
    proposal_fields: tuple[str, ...] | None = None
    proposal_values: dict = {}
    proposal_task = None  # what the office is asked to do with a new proposal (its inbox)

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return personal_fields(self.model)  # declared on the model (foreign_affairs.privacy)

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
        shown = shown_personal_fields(self.object) if self.object is not None else []
        if shown and may_see_personal_data(request.user):
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
        """Prefill fields named in the query string (e.g. `?institution=3` from a tab).

        Never the version: it must be the one of the record the form was opened on.
        """
        names = set(self.get_form_class().base_fields) - {"version"}
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
    """Confirm and delete a record with what it takes along; all of it stays restorable."""

    action = "delete"
    template_name = "generic/object_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(taken_along=taken_along(self.object), **kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = str(obj)
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
                % {"obj": name, "names": names},
            )
            return redirect(obj.get_absolute_url())
        messages.success(
            request,
            _("Deleted “%(obj)s”. It can be restored from the deleted records.") % {"obj": name},
        )
        return redirect(object_url_name(self.model, "list"))


class DeletedListView(ObjectPermissionMixin, ListView):
    """The deleted records of a model, newest first, each restorable."""

    template_name = "generic/deleted_list.html"
    context_object_name = "records"

    def get_queryset(self):
        return deleted_records(self.model)[:200]


class RestoreView(ObjectPermissionMixin, View):
    """Restore a deleted record with everything its deletion took along.

    GET shows what comes back (each kind of record, how many, their names) and what stands
    in the way; POST restores all of it in one transaction, or nothing with the reasons.
    Undoing a deletion is the deleter's privilege: it needs the delete permission (a liaison
    may add proposals but must not bring back what the office removed).
    """

    action = "delete"
    http_method_names = ["get", "post"]
    template_name = "generic/restore_preview.html"

    def get_record(self, history_id):
        return get_object_or_404(deleted_records(self.model), history_id=history_id)

    def get(self, request, history_id):
        plan = restore_plan(self.get_record(history_id))
        context = {
            "opts": self.model._meta,
            "plan": plan,
            "summary": plan.summary(),
            "deleted_url": reverse(object_url_name(self.model, "deleted")),
            "list_url": reverse(object_url_name(self.model, "list")),
        }
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, history_id):
        record = self.get_record(history_id)
        try:
            obj = record_restore(record=record, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("“%(obj)s” cannot be restored: %(problems)s")
                % {"obj": name_of(record.instance), "problems": "；".join(error.messages)},
            )
            return redirect(object_url_name(self.model, "deleted"))
        messages.success(request, _("Restored “%(obj)s”.") % {"obj": obj})
        return redirect(obj.get_absolute_url())
