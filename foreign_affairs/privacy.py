"""Personal identifiers: masked unless the user may see them; every unmasked view is logged."""

import datetime

from django.contrib.contenttypes.models import ContentType

from foreign_affairs.models import PersonalDataAccess

PERSONAL_DATA_PERMISSION = "faculty.view_personal_data"


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


def may_see_personal_data(user) -> bool:
    return user.has_perm(PERSONAL_DATA_PERMISSION)


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
