"""What a browser would post back from a portal page's form(s), unchanged.

`page_data(response)` reads the forms a page renders (the `form` of the context and a
formset such as a visit's `members`) and returns their fields as POST data: the values as
rendered, the hidden `version` included. Tests change or drop fields from there.
"""

import datetime
from decimal import Decimal

from django.db import models


def as_posted(value) -> list[str] | str | None:
    """Return a form value as a browser posts it (None: the field is not sent at all)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [str(getattr(item, "pk", item)) for item in items]
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value)


def rendered_forms(response) -> list:
    """Return the forms and formsets the page renders (the edit form, a visit's members)."""
    found = []
    for key in ("form", "members"):
        try:
            item = response.context[key]
        except (KeyError, TypeError):
            continue
        if item is not None:
            found.append(item)
    return found


def form_fields(form) -> dict[str, object]:
    """Return the POST data of one form or formset (with its management form)."""
    data = {}
    forms_ = [form]
    if hasattr(form, "management_form"):
        forms_ = [form.management_form, *form.forms]
    for one in forms_:
        for bound in one:
            posted = as_posted(bound.value())
            if posted is not None:
                data[bound.html_name] = posted
    return data


def page_data(response) -> dict[str, object]:
    """Return the POST data of every form the page in `response` renders, as rendered."""
    assert response.status_code == 200, response.status_code
    data = {}
    for form in rendered_forms(response):
        data.update(form_fields(form))
    return data
