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


def bootstrap_widgets(form, *, small: bool = False) -> None:
    """Give every widget of `form` its Bootstrap class; dates get the native date picker."""
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select" + size
        else:
            css = "form-control" + size.replace("select", "control")
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows")) == "10":
            widget.attrs["rows"] = 4  # Django's default 10 rows is too tall for notes


class PortalForm(VersionedModelForm):
    """The staff UI's edit form: Bootstrap widgets and native date pickers."""

    wide_fields = ("notes", "summary", "goals", "outcomes", "description", "purpose", "members")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
