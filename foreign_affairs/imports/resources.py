"""The base resource of every Excel import: columns, headers, record lookup, duplicates."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from foreign_affairs.imports.widgets import in_languages, normalise, widget_for


@dataclass
class Column:
    name: str
    label: str
    required: bool
    hint: str


class ImportResource(resources.ModelResource):
    """A model's Excel columns, how a row finds an existing record, and in-file duplicates.

    `import_key` names the fields that identify a record: a row whose key matches a stored
    record updates it, otherwise it creates one. (Not import-export's `import_id_fields`,
    whose check would demand every key column even where a blank one means "no value".)
    """

    import_key: tuple[str, ...] = ()
    column_aliases: dict[str, tuple[str, ...]] = {}

    class Meta:
        clean_model_instances = True  # every row passes the model's full_clean()
        skip_diff = True
        store_instance = True  # the preview shows each value as it will be stored
        report_skipped = True
        use_transactions = True

    def __init__(self, *, row_numbers=(), **kwargs):
        super().__init__(**kwargs)
        self.row_numbers = list(row_numbers)
        self.seen_keys = {}

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        # A blank cell means the model's default ("" for text, None for dates and numbers).
        return Field(
            attribute=field_name,
            column_name=field_name,
            widget=widget_for(django_field),
            readonly=readonly,
            default=django_field.get_default,
        )

    def model_field(self, name: str):
        return self._meta.model._meta.get_field(name)

    def columns(self) -> list[Column]:
        """Return the importable columns in order, with their labels and what they accept."""
        found = []
        for resource_field in self.get_import_fields():
            name = resource_field.attribute
            model_field = self.model_field(name)
            required = not model_field.blank and not model_field.has_default()
            label = str(model_field.verbose_name)
            found.append(Column(name, label, required, str(resource_field.widget.hint)))
        return found

    def header_names(self) -> dict[str, str]:
        """Return {normalised header: field name} for every header this resource accepts."""
        names = {}
        for name in (column.name for column in self.columns()):
            aliases = self.column_aliases.get(name, ())
            for text in (name, *aliases):
                names[normalise(text)] = name
            for text in in_languages(self.model_field(name).verbose_name):
                names[text] = name
        return names

    def row_number(self, index: int) -> int:
        """Return the Excel row number of the dataset's `index`-th row (1-based)."""
        return self.row_numbers[index - 1] if self.row_numbers else index + 1

    def instance_lookup(self, row) -> dict | None:
        """Return the filter that finds the record this row updates, or None for a new one."""
        values = {name: self.fields[name].clean(row) for name in self.import_key if name in row}
        return values if values.get(self.import_key[0]) else None

    def get_instance(self, instance_loader, row):
        try:
            lookup = self.instance_lookup(row)
        except ValueError:
            return None  # import_instance() reports the bad cell against its column
        if lookup is None:
            return None
        matches = list(self.get_queryset().filter(**lookup)[:2])
        if len(matches) > 1:
            raise ValidationError(
                {
                    self.import_key[-1]: _(
                        "Several stored records match this row; change them in the portal "
                        "instead of importing."
                    )
                }
            )
        return matches[0] if matches else None

    def import_key_of(self, instance) -> tuple[tuple[str, ...], tuple] | None:
        """Return (key fields, key values) of a row's record, or None if it has no key yet."""
        values = tuple(getattr(instance, name) for name in self.import_key)
        return (self.import_key, values) if values[0] else None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key_is_bad = any(name in errors for name in self.import_key)
        key = None if key_is_bad else self.import_key_of(instance)
        if key is not None:
            first = self.seen_keys.setdefault(key, kwargs["row_number"])
            if first != kwargs["row_number"]:
                labels = "、".join(str(self.model_field(name).verbose_name) for name in key[0])
                message = _(
                    "Row %(row)d has the same %(key)s; a record may appear only once in the "
                    "workbook."
                ) % {"row": self.row_number(first), "key": labels}
                errors[key[0][0]] = [ValidationError(message)]
        if errors:
            raise ValidationError(errors)
