"""Shared form layer: every edit form of a versioned model refuses a stale save."""

from django import forms

from foreign_affairs.models import StaleVersionError, VersionedModel, stale_version_message


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the version it was opened at and refuses stale saves."""

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if isinstance(instance, VersionedModel) and instance.pk and not instance._state.adding:
            submitted = cleaned.get("version") or instance.version
            stored = (
                type(instance)
                ._base_manager.filter(pk=instance.pk)
                .values_list("version", flat=True)
            )
            if stored and stored[0] != submitted:
                raise StaleVersionError(
                    stale_version_message(instance, seen_version=submitted), code="stale_version"
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # Keep the version the editor read: construct_instance() skips empty values.
        if "version" in self.cleaned_data and self.cleaned_data["version"]:
            self.instance.version = self.cleaned_data["version"]


class PortalForm(VersionedModelForm):
    """The staff UI's edit form: Bootstrap widgets and native date pickers."""

    wide_fields = ("notes", "summary", "goals", "outcomes", "description", "purpose", "members")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 4)
