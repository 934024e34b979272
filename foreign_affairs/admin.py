"""Shared admin layer: history, stale-version refusal and the Chinese site titles."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from foreign_affairs.forms import VersionedModelForm
from foreign_affairs.history import deleted_records, record_restore
from foreign_affairs.models import InboxItem, PersonalDataAccess, StaleVersionError, StateChange
from foreign_affairs.workflow import is_read_only

admin.site.site_header = _("Foreign Affairs Office Portal administration")
admin.site.site_title = _("Foreign Affairs Office Portal")
admin.site.index_title = _("Administration")


class CountryInUseFilter(admin.SimpleListFilter):
    """Filter by a country field, offering only the countries that occur in the data."""

    field_name = "country"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.field_name, flat=True)
            .distinct()
        )
        field = model_admin.model._meta.get_field(self.field_name)
        names = dict(field.countries)
        return sorted(((code, names.get(code, code)) for code in codes if code), key=str)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


def country_filter(field_name: str, title) -> type[CountryInUseFilter]:
    """Return a CountryInUseFilter for `field_name`, titled `title`."""
    return type(
        f"{field_name.title()}InUseFilter",
        (CountryInUseFilter,),
        {"field_name": field_name, "parameter_name": field_name, "title": title},
    )


class WorkflowReadOnlyMixin:
    """A record in a read-only workflow state (an approved report, a closed visit), and what
    belongs to it, is read-only in the admin too; the model refuses any other path."""

    def has_change_permission(self, request, obj=None):
        return not is_read_only(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_read_only(obj) and super().has_delete_permission(request, obj)


class DomainAdmin(WorkflowReadOnlyMixin, SimpleHistoryAdmin):
    """Admin of a domain model: edits go through the versioned form and are recorded."""

    form = VersionedModelForm
    list_per_page = 50
    readonly_fields = ("created", "updated")
    change_list_template = "admin/domain_change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("deleted/", wrap(self.deleted_view), name=self._url_name("deleted")),
            path(
                "deleted/<int:history_id>/restore/",
                wrap(self.restore_view),
                name=self._url_name("restore"),
            ),
            *super().get_urls(),
        ]

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def deleted_view(self, request):
        """List deleted records of this model, newest first, each with a restore button."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            "records": deleted_records(self.model)[:200],
            "can_restore": self.has_delete_permission(request),
        }
        return TemplateResponse(request, "admin/deleted_records.html", context)

    def restore_view(self, request, history_id):
        """Put a deleted record back as it was when deleted (POST only)."""
        if request.method != "POST":
            return redirect(f"admin:{self._url_name('deleted')}")
        if not self.has_delete_permission(request):
            raise PermissionDenied
        record = get_object_or_404(deleted_records(self.model), history_id=history_id)
        try:
            obj = record_restore(record=record, user=request.user)
        except ValidationError as error:
            problems = "；".join(error.messages)
            self.message_user(
                request,
                gettext("“%(obj)s” cannot be restored: %(problems)s")
                % {"obj": record.instance, "problems": problems},
                messages.ERROR,
            )
            return redirect(f"admin:{self._url_name('deleted')}")
        self.log_addition(request, obj, [{"added": {}}])
        self.message_user(
            request,
            gettext("Restored “%(obj)s”.") % {"obj": obj},
            messages.SUCCESS,
        )
        return redirect(f"admin:{self._url_name('change')}", obj.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as error:
            # Lost the race after validation: nothing was written (the transaction rolled
            # back); show the conflict and the current record.
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting_history = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "_reverting_history", False):
            # Reverting builds the form from an old snapshot: base it on the stored version,
            # so the revert is a normal edit of the current record (and conflicts still show).
            stored = self.model._base_manager.filter(pk=obj.pk).values_list("version", flat=True)
            obj.version = stored.first() or obj.version
        return super().get_form(request, obj, change=change, **kwargs)


class DomainTabularInline(WorkflowReadOnlyMixin, admin.TabularInline):
    """Tabular inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True


class DomainStackedInline(WorkflowReadOnlyMixin, admin.StackedInline):
    """Stacked inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True


class RecordOnlyAdmin(admin.ModelAdmin):
    """An admin of records that are evidence: readable, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(RecordOnlyAdmin):
    """The access log is evidence: readable by administrators, never changed."""

    list_display = ("accessed_at", "user", "content_type", "object_repr", "fields", "path")
    list_filter = ("content_type",)
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "user__username")
    date_hierarchy = "accessed_at"


@admin.register(StateChange)
class StateChangeAdmin(RecordOnlyAdmin):
    """Every workflow step taken: who, when, from which state to which, with what comment."""

    list_display = ("at", "user", "content_type", "object_id", "transition", "source", "target")
    list_filter = ("content_type", "transition")
    list_select_related = ("user", "content_type")
    search_fields = ("comment", "user__username")
    date_hierarchy = "at"


@admin.register(InboxItem)
class InboxItemAdmin(RecordOnlyAdmin):
    """Who was asked to act on what, and when it was done (read-only)."""

    list_display = ("created", "recipient", "task", "object_repr", "actor", "closed_at")
    list_filter = ("content_type",)
    list_select_related = ("recipient", "actor")
    search_fields = ("task", "object_repr", "recipient__username")
    date_hierarchy = "created"
