"""The factory of every model, and the helpers the model walks of the test suite share.

The per-app factories live in tests/<app>/factories.py; `factory_for()` finds them, so a
walk over the app registry or the admin fails loudly on a model nobody wrote a factory for.
"""

from html.parser import HTMLParser

import factory
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from factory.django import DjangoModelFactory

from foreign_affairs.models import is_history_model
from foreign_affairs.roles import DOMAIN_APPS
from tests.exchanges import factories as exchanges
from tests.faculty import factories as faculty
from tests.partners import factories as partners
from tests.reports import factories as reports


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "明"
    last_name = factory.Sequence(lambda n: f"李{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@college.example")
    password = factory.django.Password("x-Secret-42")


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"角色{n}")


def _factories_of(*modules) -> dict[type[models.Model], type[DjangoModelFactory]]:
    found = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DjangoModelFactory):
                if value._meta.model is not None:
                    found[value._meta.model] = value
    return found


FACTORIES = {
    get_user_model(): UserFactory,
    Group: GroupFactory,
    **_factories_of(partners, exchanges, faculty, reports),
}


def factory_for(model: type[models.Model]) -> type[DjangoModelFactory]:
    """Return the factory of `model`; a model without one is a gap in the test suite."""
    try:
        return FACTORIES[model]
    except KeyError:
        raise LookupError(
            f"No factory for {model._meta.label}: add one to tests/{model._meta.app_label}/"
            "factories.py (every model the tests walk needs a factory)."
        ) from None


def domain_models(*app_labels: str) -> list[type[models.Model]]:
    """Return the models of the domain apps (default: all four), without historical models."""
    return [
        model
        for label in app_labels or DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_history_model(model)
    ]


def model_id(model: type[models.Model]) -> str:
    """Return a readable pytest id for a model parameter."""
    return model._meta.label


def make_inline_rows(obj: models.Model) -> list[models.Model]:
    """Give `obj` one row in each of its admin inlines; return the rows."""
    model = type(obj)
    rows = []
    for inline in admin.site._registry[model].inlines:
        link = next(f for f in inline.model._meta.fields if f.related_model is model)
        rows.append(factory_for(inline.model)(**{link.name: obj}))
    return rows


def admin_url(model: type[models.Model], page: str, *args) -> str:
    """Return the URL of an admin page ("changelist", "change", "history", …) of `model`."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def violation_message(model: type[models.Model], constraint_name: str) -> str:
    """Return the violation message of the model's constraint, in the active language."""
    constraint = next(c for c in model._meta.constraints if c.name == constraint_name)
    return str(constraint.violation_error_message)


def constraint_names(app_label: str) -> set[str]:
    """Return the names of all constraints of the app's models."""
    return {
        constraint.name
        for model in domain_models(app_label)
        for constraint in model._meta.constraints
    }


def text_field(model: type[models.Model]) -> str:
    """Return the first free-text field of `model` an editor can change (no choices)."""
    return next(
        field.name
        for field in model._meta.fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
    )


def changed_text(value: str) -> str:
    """Return `value` as an editor would change it (still valid and still unique)."""
    return f"{value}（改）"


class _FormDataParser(HTMLParser):
    """Collect what a browser would submit from the admin form of a page."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # The admin's add/change/revert form is "<model name>_form".
            self.in_form = (attrs.get("id") or "").endswith("_form")
        if not self.in_form or "__prefix__" in (attrs.get("name") or ""):
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self._input(name, attrs)
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def _input(self, name, attrs):
        kind = attrs.get("type", "text")
        if kind in {"file", "submit", "button", "image", "reset"}:
            return
        if kind in {"checkbox", "radio"} and "checked" not in attrs:
            return
        default = "on" if kind in {"checkbox", "radio"} else ""
        self.data.setdefault(name, []).append(attrs.get("value", default))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows the opening tag.
            self.data[self._textarea][-1] = self.data[self._textarea][-1].removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            if chosen:
                self.data[name] = chosen
            self._select = None


def admin_form_data(response) -> dict[str, str | list[str]]:
    """Return the POST data of the admin add/change/revert form in `response`, as rendered.

    Includes the hidden `version` field and the management forms of the inlines, exactly as
    a browser would submit the page unchanged.
    """
    assert response.status_code == 200, response.status_code
    parser = _FormDataParser()
    parser.feed(response.content.decode())
    assert parser.data, "no admin form in the page"
    return {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}


def body(response) -> bytes:
    """Return a response's bytes, streamed (a CSV export) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
