"""Shared admin layer: history, stale-version refusal and the Chinese site titles."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from foreign_affairs.forms import VersionedModelForm

admin.site.site_header = _("Foreign Affairs Office Portal administration")
admin.site.site_title = _("Foreign Affairs Office Portal")
admin.site.index_title = _("Administration")


class DomainAdmin(SimpleHistoryAdmin):
    """Admin of a domain model: edits go through the versioned form and are recorded."""

    form = VersionedModelForm
    list_per_page = 50
    readonly_fields = ("created", "updated")

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


class DomainTabularInline(admin.TabularInline):
    """Tabular inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True


class DomainStackedInline(admin.StackedInline):
    """Stacked inline whose rows refuse stale saves like the parent form."""

    form = VersionedModelForm
    extra = 0
    show_change_link = True
