"""Personal identifiers: masked unless the user may see them; every unmasked view is logged.

Which fields are personal is declared once, on the model (PIPL: personal information):

    class ForeignTeacher(VersionedModel):
        personal_fields = ("date_of_birth", "phone", "email")   # masked / logged
        personal_file_fields = ("file",)                        # scans: download is logged
        not_personal_fields = {"number": "why this look-alike is not personal"}

Every view reads that declaration through this module: the portal's detail page and edit
form (`foreign_affairs.views.generic`), lists and exports (`foreign_affairs.tables`: always
masked, since neither is logged per record), change history (`foreign_affairs.history`) and
the admin (`foreign_affairs.admin.PersonalDataAdminMixin`). A user with
`faculty.view_personal_data` sees the values; each page that shows them writes one
`PersonalDataAccess` row. `tests/foreign_affairs/test_privacy.py` fails on a model field that
looks personal (`PERSONAL_LOOKING`) and is declared neither way.
"""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist

from foreign_affairs.models import PersonalDataAccess

PERSONAL_DATA_PERMISSION = "faculty.view_personal_data"

# Field names that usually hold personal information; each must be declared on its model as
# personal or, with the reason, as not personal.
PERSONAL_LOOKING = re.compile(
    r"passport|(^|_)id_?(number|no|card)|identity|birth|phone|mobile|e?mail|address|wechat"
    r"|(^|_)qq($|_)|bank|salary|(^|_)number$|_no$"
)


def personal_fields(model) -> tuple[str, ...]:
    """Return the names of the personal fields `model` declares (`personal_fields`)."""
    return tuple(getattr(model, "personal_fields", ()))


def not_personal_fields(model) -> dict[str, str]:
    """Return the look-alike fields `model` declares not personal, with the reason."""
    return dict(getattr(model, "not_personal_fields", {}))


def mask(value) -> str:
    """Return a value with its middle hidden: `E12345678` → `E12****78`, dates keep the year."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}年**月**日"
    text = str(value)
    if len(text) <= 5:
        return "*" * len(text)
    return f"{text[:3]}****{text[-2:]}"


def touches_personal(model, lookup: str) -> bool:
    """True when the ORM lookup path (e.g. "teacher__date_of_birth__gte", "^email") reads a
    personal field of `model` or of a model it reaches: filtering or searching on it would
    let a user who sees only masks confirm the value one guess at a time."""
    current = model
    for part in lookup.lstrip("^=@").split("__"):
        if current is None:
            return False
        if part in personal_fields(current):
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:  # a transform ("gte", "year") or an unknown name: path ends
            return False
        current = field.related_model if field.is_relation else None
    return False


def may_see_personal_data(user) -> bool:
    return user is not None and user.has_perm(PERSONAL_DATA_PERMISSION)


def masked_fields_for(model, user) -> tuple[str, ...]:
    """Return the fields of `model` to mask for `user` (none if they may see them)."""
    return () if may_see_personal_data(user) else personal_fields(model)


def shown_personal_fields(obj, names=None) -> list[str]:
    """Return the personal fields of `obj` (or those of `names`) that hold a value."""
    declared = personal_fields(type(obj))
    wanted = declared if names is None else [name for name in names if name in declared]
    return [name for name in wanted if getattr(obj, name, None) not in (None, "")]


def personal_data_access_log(*, user, obj, fields: list[str], path: str = "") -> None:
    """Record that `user` saw the unmasked `fields` of `obj`."""
    PersonalDataAccess.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        fields=", ".join(fields)[:200],
        path=path[:300],
    )
