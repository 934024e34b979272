"""Shared admin layer: history, stale-version refusal, the read-only rule of workflows,
whole-record restore, personal data masked or logged, and the Chinese site titles."""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from foreign_affairs.forms import (
    CONTROL_CHARACTER_MESSAGE,
    CONTROL_CHARACTERS,
    VersionedModelForm,
)
from foreign_affairs.history import deleted_records, name_of, record_restore, restore_plan
from foreign_affairs.models import (
    CalendarToken,
    DeletionBatch,
    InboxItem,
    PersonalDataAccess,
    StaleVersionError,
    StateChange,
)
from foreign_affairs.privacy import (
    mask,
    may_see_personal_data,
    personal_data_access_log,
    personal_fields,
    shown_personal_fields,
    touches_personal,
)
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
        used = set(codes)  # in the order of the country lists: pinyin in Chinese
        return [(code, name) for code, name in field.countries if code in used]

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


class WorkflowReadOnlyInlineMixin(WorkflowReadOnlyMixin):
    """Inline rows of a read-only parent: none changed, deleted or added."""

    def has_add_permission(self, request, obj=None):
        return not is_read_only(obj) and super().has_add_permission(request, obj)


class _PersonalHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history diffs: personal fields masked, or noted as seen (to be logged)."""

    def __init__(self, model, record, *, masked: bool, seen: set):
        super().__init__(model, record)
        self.masked, self.seen = masked, seen

    def prepare_delta_change_value(self, change, value):
        if change.field in personal_fields(self.model):
            if self.masked:
                return mask(value)
            self.seen.add(change.field)
        return super().prepare_delta_change_value(change, value)


class PersonalDataAdminMixin:
    """The personal fields the model declares (`foreign_affairs.privacy`), in the admin.

    Lists always show them masked (a list is not logged per record). A change page, a
    history page and a history version show them masked and read-only to a user without
    `faculty.view_personal_data`; for a user with it, each such page showing values writes
    one access-log row per record (inline rows included).
    """

    def lookup_allowed(self, lookup, value, request=None):
        """No URL filter on a personal field for a user who sees it masked (each guess would
        confirm a character of a passport number)."""
        if (
            request is not None
            and not may_see_personal_data(request.user)
            and touches_personal(self.model, lookup)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if may_see_personal_data(request.user):
            return fields
        return [f for f in fields if not touches_personal(self.model, f)]

    def _masked_display(self, name: str):
        displays = self.__dict__.setdefault("_masked_displays", {})
        if name not in displays:

            def display(obj, name=name):
                return mask(getattr(obj, name, None))

            display.short_description = self.model._meta.get_field(name).verbose_name
            display.__name__ = f"masked_{name}"
            displays[name] = display
        return displays[name]

    def _substitute(self, names, seen: set) -> list:
        """Replace personal field names by their masked displays (each shown once)."""
        result = []
        for item in names:
            if isinstance(item, list | tuple):
                row = self._substitute(item, seen)
                if row:
                    result.append(tuple(row))
                continue
            if item in personal_fields(self.model):
                item = self._masked_display(item)
            if item not in seen:
                seen.add(item)
                result.append(item)
        return result

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if may_see_personal_data(request.user) or not personal_fields(self.model):
            return fieldsets
        seen = set()
        return [
            (title, {**options, "fields": self._substitute(options.get("fields", ()), seen)})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        personal = personal_fields(self.model)
        if may_see_personal_data(request.user) or not personal:
            return readonly
        return (
            *(name for name in readonly if name not in personal),
            *(self._masked_display(name) for name in personal),
        )

    def get_list_display(self, request):
        personal = personal_fields(self.model)
        return [
            self._masked_display(name) if name in personal else name
            for name in super().get_list_display(request)
        ]

    def _log_shown(self, request, shown: list[tuple]) -> None:
        """Write an access-log row for each (record, field names shown) with values."""
        if not may_see_personal_data(request.user):
            return
        for obj, names in shown:
            fields = shown_personal_fields(obj, names)
            if obj is not None and obj.pk is not None and fields:
                personal_data_access_log(
                    user=request.user, obj=obj, fields=fields, path=request.path
                )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None)
        if response.status_code == 200 and context and "adminform" in context:
            shown = [(context.get("original"), flatten_fieldsets(context["adminform"].fieldsets))]
            for inline in context.get("inline_admin_formsets", []):
                names = flatten_fieldsets(inline.fieldsets)
                shown += [(form.instance, names) for form in inline.formset.initial_forms]
            self._log_shown(request, shown)
        return response

    def get_historical_record_context_helper(self, request, historical_record):
        seen = request.__dict__.setdefault("_personal_history_shown", set())
        return _PersonalHistoryHelper(
            self.model,
            historical_record,
            masked=not may_see_personal_data(request.user),
            seen=seen,
        )

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        seen = request.__dict__.get("_personal_history_shown")
        if response.status_code == 200 and seen:
            obj = self.model._base_manager.filter(pk=object_id).first()
            if obj is None:  # a deleted record: as it was last
                obj = self.model.history.filter(id=object_id).latest("history_date").instance
            self._log_shown(request, [(obj, seen)])
        return response


class ControlCharacterQueryMixin:
    """A change list asked with a control character in its query (a NUL in a filter or the
    search) answers with the form's message, not a database error (PostgreSQL refuses NUL)."""

    def changelist_view(self, request, extra_context=None):
        if any(CONTROL_CHARACTERS.search(value) for value in request.GET.values()):
            self.message_user(request, CONTROL_CHARACTER_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)


class DomainAdmin(
    ControlCharacterQueryMixin, PersonalDataAdminMixin, WorkflowReadOnlyMixin, SimpleHistoryAdmin
):
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
        """Show what restoring a deleted record brings back (GET); restore all of it (POST).

        Everything its deletion took along comes back in one transaction, or nothing.
        """
        if not self.has_delete_permission(request):
            raise PermissionDenied
        record = get_object_or_404(deleted_records(self.model), history_id=history_id)
        if request.method != "POST":
            plan = restore_plan(record)
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Restore “%(obj)s”?") % {"obj": plan.root_name},
                "plan": plan,
                "summary": plan.summary(),
                "can_restore": True,
            }
            return TemplateResponse(request, "admin/restore_preview.html", context)
        try:
            obj = record_restore(record=record, user=request.user)
        except ValidationError as error:
            problems = "；".join(error.messages)
            self.message_user(
                request,
                gettext("“%(obj)s” cannot be restored: %(problems)s")
                % {"obj": name_of(record.instance), "problems": problems},
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
        record = get_object_or_404(
            self.model.history, **{self.opts.pk.attname: object_id, "history_id": version_id}
        )
        version = record.instance
        current = self.model._base_manager.filter(pk=object_id).first() or version
        # Reverting is a change: of the record as it is, and into what the version holds (a
        # row of an approved report, a deleted row of one, stays as it is).
        if request.method == "POST" and not (
            self.has_change_permission(request, current)
            and self.has_change_permission(request, version)
        ):
            raise PermissionDenied
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            names = flatten_fieldsets(self.get_fieldsets(request, version))
            self._log_shown(request, [(version, names)])
        return response

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:  # e.g. a row that would be left invalid: say why
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return redirect(f"admin:{self._url_name('change')}", object_id)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)

    def delete_queryset(self, request, queryset):
        """Delete the selected records one by one, each whole and restorable as one."""
        with transaction.atomic():
            for obj in queryset:
                obj._history_user = request.user
                obj.delete()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "_reverting_history", False):
            # Reverting builds the form from an old snapshot: base it on the stored version,
            # so the revert is a normal edit of the current record (and conflicts still show).
            stored = self.model._base_manager.filter(pk=obj.pk).values_list("version", flat=True)
            obj.version = stored.first() or obj.version
        return super().get_form(request, obj, change=change, **kwargs)


class DomainTabularInline(PersonalDataAdminMixin, WorkflowReadOnlyInlineMixin, admin.TabularInline):
    """Tabular inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True


class DomainStackedInline(PersonalDataAdminMixin, WorkflowReadOnlyInlineMixin, admin.StackedInline):
    """Stacked inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True


class RecordOnlyAdmin(ControlCharacterQueryMixin, admin.ModelAdmin):
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


@admin.register(DeletionBatch)
class DeletionBatchAdmin(RecordOnlyAdmin):
    """Every deletion: which record, by whom, when, and whether it was restored (read-only);
    restore from the deleted records of the record's own model."""

    list_display = ("deleted_at", "user", "content_type", "object_repr", "restored_at")
    list_filter = ("content_type",)
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "user__username")
    date_hierarchy = "deleted_at"
    fields = ("content_type", "object_id", "object_repr", "user", "deleted_at", "restored_at")


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


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Users' calendar feed keys (issue 10 §12): who has one and since when; deleting one
    turns off that user's feed URL. The key itself is not stored, only its SHA-256."""

    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request):
        return False  # a key is issued by its user, who alone ever sees it

    def has_change_permission(self, request, obj=None):
        return False


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' lockouts, with the status column named in the user's language."""

    @admin.display(description=_("status"))
    def status(self, obj):
        return super().status(obj)


if admin.site.is_registered(AccessAttempt):  # axes registers its admin (AXES_ENABLE_ADMIN)
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Django's form, whose warning is joined to its help text untranslated (Django 5.1+)."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        auth_forms.SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin, with the password form in the user's language."""

    change_password_form = AdminPasswordChangeForm


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)
