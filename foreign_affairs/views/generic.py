"""Shared generic object views (NetBox style): each concrete view only names its parts.

The permission comes from the model and the action (`partners.change_agreement`) and is
checked once, in `dispatch`; templates hide what the user may not do, the server refuses it.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db import models, transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, UpdateView, View
from django.views.generic.edit import DeletionMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from foreign_affairs.attachments import attachment_links
from foreign_affairs.history import (
    deleted_records,
    history_changes,
    name_of,
    record_restore,
    restore_plan,
    taken_along,
)
from foreign_affairs.management.commands.check_files import sha256_field_name
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

    def model_permission(self, action: str) -> str:
        """`<app>.<action>_<model>` of the view's model."""
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def get_permission_required(self) -> str:
        return self.model_permission(self.action)

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
            action: user.has_perm(self.model_permission(action))
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
    exclude_columns: tuple[str, ...] = ()  # columns left out of exports
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
        if not self.request.user.has_perm(self.model_permission("change")):
            raise PermissionDenied
        return super().render_to_response(context, **kwargs)

    def create_export(self, export_format):
        """Every filtered row, sorted as on the page: CSV streamed, .xlsx written row by row
        (`foreign_affairs.exports`: values queries, a fixed number of them)."""
        from foreign_affairs import exports

        table = self.get_table(**self.get_table_kwargs())
        queryset = table.data.data  # filtered and sorted as the table shows it
        columns = exports.export_columns(table, queryset, exclude=self.exclude_columns)
        stamp = timezone.localdate().isoformat()
        filename = f"{self.model._meta.verbose_name_plural}-{stamp}.{export_format}"
        if export_format == TableExport.CSV:
            return exports.csv_response(columns, queryset, filename)
        return exports.xlsx_response(
            columns, queryset, filename, title=str(self.model._meta.verbose_name_plural)
        )

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
        table.data.data = with_tie_breaker(table.data.data)
        values = self.pagination_form().cleaned_data
        per_page = values.get("per_page") or self.table_pagination["per_page"]
        try:
            table.paginate(page=values.get("page") or 1, per_page=per_page)
        except EmptyPage:
            table.paginate(page=table.paginator.num_pages, per_page=per_page)
        fetch_page_by_key(table, self.get_queryset())
        return table

    def active_filter_count(self) -> int:
        """Return how many of the list's filters have a value (shown on the phone's button)."""
        filterset = getattr(self, "filterset", None)
        if filterset is None:
            return 0
        return sum(
            1
            for name in filterset.form.fields
            if any(value.strip() for value in self.request.GET.getlist(name))
        )

    def get_context_data(self, **kwargs):
        if self.exporting():
            # An export is no page: nothing of the page (a page of the table, the filter
            # form, the links) is made; `create_export` makes the table it writes.
            return kwargs
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
            active_filters=self.active_filter_count(),
            **kwargs,
        )


def _is_key(item, pk_name: str) -> bool:
    if isinstance(item, str):
        return item.lstrip("-") in ("pk", pk_name)
    expression = getattr(item, "expression", item)  # an OrderBy, or a bare F
    return isinstance(expression, models.F) and expression.name in ("pk", pk_name)


def with_tie_breaker(queryset: models.QuerySet) -> models.QuerySet:
    """Return `queryset` in its order (the table's sort, else the model's), then by key,
    newest first, as the admin's changelist does: rows that tie on the sort (a date, a year)
    keep one order from page to page, so paging neither repeats nor skips one of them."""
    query = queryset.query
    ordering = list(query.order_by)
    if not ordering and query.default_ordering:
        ordering = list(queryset.model._meta.ordering)
    if any(_is_key(item, queryset.model._meta.pk.name) for item in ordering):
        return queryset
    return queryset.order_by(*ordering, "-pk")


def fetch_page_by_key(table, rows: models.QuerySet) -> None:
    """Read the rows of a paginated table's page by their keys, in the same one query.

    `SELECT … FROM rows WHERE pk IN (SELECT pk … WHERE <filters> ORDER BY … LIMIT 25
    OFFSET n) ORDER BY …`: the database filters, sorts and skips narrow rows (the key and the
    sort columns), then joins, annotates and returns the page's rows alone. `rows` is the
    list's queryset before filters (its joins, annotations and prefetches). Read as one plain
    query, every annotation (a last activity's subqueries) is evaluated and every joined
    column carried through the sort for all the rows up to the offset: seconds on the last
    page of 10,000 institutions (issue 12). The rows, their order and the query count are
    the same. A `DISTINCT` page (a many-to-many filter) is read as it is, and so is one
    whose filters or sort add annotations `rows` does not have.
    """
    bound_rows = getattr(getattr(table, "page", None), "object_list", None)
    page = getattr(bound_rows, "data", None)
    if not isinstance(page, models.QuerySet) or not page.query.is_sliced or page.query.distinct:
        return
    if not set(page.query.annotations) <= set(rows.query.annotations):
        return
    keyed = rows.filter(pk__in=page.values("pk"))
    if page.query.order_by or not page.query.default_ordering:
        keyed = keyed.order_by(*page.query.order_by)
    bound_rows.data = keyed


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
                back = f"{obj.get_absolute_url()}#tab-{self.slug}"  # return to this tab
                query = urlencode({self.field: obj.pk, "next": back})
                add_url = f"{reverse(self.add_url_name)}?{query}"
        return {"slug": self.slug, "title": self.title, "table": table, "add_url": add_url}


# The cards of a detail page, in the order they are shown; fields a view does not place
# itself (`ObjectView.field_groups`) go to the card of their kind.
BASIC, DATES, DOCUMENTS, PEOPLE = "basic", "dates", "documents", "people"
CARD_TITLES = {
    BASIC: gettext_lazy("Basic data"),
    DATES: gettext_lazy("Dates and status"),
    DOCUMENTS: gettext_lazy("Documents"),
    PEOPLE: gettext_lazy("People"),
}
STATUS_FIELDS = ("status", "result")


def field_kind(field) -> str:
    """Return the card a field goes to when its view does not place it: dates and statuses,
    files, relations to users, or the basic data."""
    if isinstance(field, models.FileField):
        return DOCUMENTS
    if isinstance(field, models.DateField) or field.name in STATUS_FIELDS:  # DateTimeField too
        return DATES
    if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
        return PEOPLE
    return BASIC


def is_empty(value) -> bool:
    """Return whether a field holds nothing to show (False and 0 are values)."""
    if isinstance(value, FieldFile):
        return not value
    return value is None or value == "" or value == []


class ObjectView(ObjectPermissionMixin, DetailView):
    """One record: its fields as cards, status chips, findings, related tabs and history.

    `field_groups` places fields in titled cards: `[(BASIC, ("name_zh", ...)),
    (gettext_lazy("Qualifications"), (...)), ...]` (a kind of `CARD_TITLES` or a title);
    fields it does not name go to the card of their kind (`field_kind`).
    """

    template_name = "generic/object_detail.html"
    tabs: list[Tab] = []
    hidden_fields = ("id", "version", "created", "updated")
    field_groups: list[tuple] = []
    print_url_name = ""  # a page to print the record on (issue 11 item 7)

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return personal_fields(self.model)  # declared on the model (foreign_affairs.privacy)

    def technical_fields(self) -> set[str]:
        """Return fields no reader needs as a row: bookkeeping and file checksums (a checksum
        is shown once, small, with its file in the documents card)."""
        checksums = {
            sha256_field_name(self.model, field)
            for field in self.model._meta.concrete_fields
            if isinstance(field, models.FileField)
        }
        return {*self.hidden_fields, *(checksums - {None})}

    def get_fields(self):
        """Return the rows of the record's own fields for display: name, label, value, field.

        Personal identifiers are masked unless the user may see them (an unmasked view is
        written to the access log by `get_context_data`); a relation to records the user may
        not view is left out; a file row carries links only for users who may open it.
        """
        obj = self.object
        user = self.request.user
        unmasked = may_see_personal_data(user)
        hidden = self.technical_fields()
        self.shown_personal = []
        rows = []
        for field in obj._meta.get_fields():
            if not getattr(field, "concrete", False) or field.name in hidden:
                continue
            if field.is_relation and not may_view(user, field.related_model):
                continue
            if field.many_to_many:
                value = "、".join(display_name(item) for item in getattr(obj, field.name).all())
            elif field.name == "status" and hasattr(obj, "get_state_display"):
                value = obj.get_state_display()  # today's state, from the dates (never stored)
            elif field.choices and not getattr(field, "multiple", False):
                value = getattr(obj, f"get_{field.name}_display")()
            else:
                value = getattr(obj, field.name)
            if field.name in self.personal_fields and value:
                if unmasked:
                    self.shown_personal.append(field.name)
                else:
                    value = mask(value)
            row = {
                "name": field.name,
                "label": field.verbose_name,
                "value": value,
                "field": field,
                "long": isinstance(field, models.TextField),
            }
            if isinstance(field, models.FileField):
                row["file"] = attachment_links(user, obj, field.name)
                checksum = sha256_field_name(self.model, field)
                row["sha256"] = getattr(obj, checksum) if checksum else ""
            rows.append(row)
        return rows

    def get_field_groups(self, fields) -> list[dict]:
        """Return the cards of the page: title, rows with a value, labels of the empty ones.

        Cards come in the order of `field_groups`, then the automatic ones (basic data, dates
        and status, documents, people); a card with nothing in it is left out.
        """
        by_name = {row["name"]: row for row in fields}
        cards = [
            {"title": CARD_TITLES.get(title, title), "names": names}
            for title, names in self.field_groups
        ]
        placed = {name for card in cards for name in card["names"]}
        for kind, title in CARD_TITLES.items():
            names = [
                row["name"]
                for row in fields
                if row["name"] not in placed and field_kind(row["field"]) == kind
            ]
            existing = next((card for card in cards if card["title"] == title), None)
            if existing is not None:
                existing["names"] = (*existing["names"], *names)
            elif names:
                cards.append({"title": title, "names": names})
        groups = []
        for card in cards:
            rows = [by_name[name] for name in card["names"] if name in by_name]
            filled = [row for row in rows if not is_empty(row["value"])]
            empty = [row["label"] for row in rows if is_empty(row["value"])]
            if filled or empty:
                groups.append({"title": card["title"], "rows": filled, "empty": empty})
        return groups

    def get_chips(self) -> list[dict]:
        """Return the status chips of the header: the record's state today (derived from the
        dates where the model does so, `get_state_display`) or its status or result, unless
        a workflow panel shows the state already. Views add their own (an expiry, a return
        overdue): each chip is `{"value": <state>, "label": <words>}`."""
        from foreign_affairs.workflow import workflow_of

        obj = self.object
        names = {field.name for field in self.model._meta.concrete_fields}
        name = next((name for name in STATUS_FIELDS if name in names), None)
        if name is None or (name == "status" and workflow_of(obj) is not None):
            return []
        if name == "status" and hasattr(obj, "get_state_display"):
            return [{"value": obj.state, "label": obj.get_state_display()}]
        return [{"value": getattr(obj, name), "label": getattr(obj, f"get_{name}_display")()}]

    def log_personal_access(self, history) -> None:
        """Write one access-log row for the page: the identifiers in the fields and in the
        history the user was shown unmasked."""
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

    def get_history(self) -> list[dict]:
        return history_changes(self.object, user=self.request.user)

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
        history = self.get_history()
        context = super().get_context_data(
            findings=findings(self.object),
            **workflow_context(self.object, self.request.user),
            fields=fields,
            field_groups=self.get_field_groups(fields),
            chips=self.get_chips(),
            print_url=reverse(self.print_url_name, args=[self.object.pk])
            if self.print_url_name
            else "",
            tabs=self.get_tabs(),
            history=history,
            **kwargs,
        )
        self.log_personal_access(history)
        context["read_only"] = is_read_only(self.object)
        if context["read_only"]:  # a closed visit, an approved report: no edit, no delete
            context["can"] = {**context["can"], "change": False, "delete": False}
        return context


class ObjectPrintView(ObjectView):
    """A record on an A4 page for the browser's print: the same fields, the same masking and
    the same access log as its detail page, without the portal around it."""

    tabs = []

    def get_history(self) -> list[dict]:
        return []  # the paper file carries the record as it is, not its changes

    def get_context_data(self, **kwargs):
        return super().get_context_data(printed_on=timezone.localdate(), **kwargs)


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
        return self.object is None and not self.request.user.has_perm(
            self.model_permission("change")
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
        from foreign_affairs.forms import next_url  # `?next=` back to a parent's tab

        return next_url(self.request) or self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        from foreign_affairs.forms import next_url

        context = super().get_context_data(**kwargs)
        # Cancel goes where Save would: a parent's tab, else the record, else the list.
        context["cancel_url"] = (
            next_url(self.request)
            or (self.object.get_absolute_url() if self.object else "")
            or context["list_url"]
        )
        return context


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
