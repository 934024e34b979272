"""Every change and delete of a domain record is in its history, with who did it."""

import pytest

from foreign_affairs.history import record_restore
from tests.factories import (
    admin_form_data,
    admin_url,
    changed_text,
    domain_models,
    factory_for,
    make_inline_rows,
    model_id,
    text_field,
)

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = domain_models()


def history_total() -> int:
    """Return the number of history records of all domain models together."""
    return sum(model.history.count() for model in DOMAIN_MODELS)


def form_errors(response):
    """Return the errors of a re-rendered admin form, to explain a failed save."""
    if response.context is None or "adminform" not in response.context:
        return response.status_code
    inline_errors = [
        formset.formset.errors for formset in response.context["inline_admin_formsets"]
    ]
    return response.context["adminform"].form.errors, inline_errors


def stored_values(obj) -> dict:
    """Return the stored field values of `obj`, but `updated` (a restore is a change)."""
    obj.refresh_from_db()
    return {
        field.attname: getattr(obj, field.attname)
        for field in type(obj)._meta.concrete_fields
        if field.name != "updated"
    }


def delete_and_restore(client, user, obj):
    """Delete `obj` in the admin, restore it from its "-" history record; return both."""
    model = type(obj)
    response = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model._default_manager.filter(pk=obj.pk).exists()
    deletion = model.history.get(**{model._meta.pk.attname: obj.pk, "history_type": "-"})
    record_restore(record=deletion, user=user)
    return deletion, model._default_manager.get(pk=obj.pk)


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=model_id)
def test_admin_change_writes_one_history_record(admin_client, admin_user, model):
    obj = factory_for(model)()
    make_inline_rows(obj)  # the change form carries them, unchanged
    url, field = admin_url(model, "change", obj.pk), text_field(model)
    data = admin_form_data(admin_client.get(url))
    data[field] = changed_text(data[field])
    before = history_total()

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert history_total() == before + 1
    record = obj.history.first()
    assert record.history_type == "~"
    assert record.history_user == admin_user
    assert getattr(record, field) == data[field]
    assert record.version == obj.version + 1


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=model_id)
def test_admin_reverts_to_an_earlier_version_as_a_new_change(admin_client, admin_user, model):
    obj, field = factory_for(model)(), text_field(model)
    original = getattr(obj, field)
    setattr(obj, field, changed_text(original))
    obj.save()
    first = obj.history.earliest("history_date")
    url = admin_url(model, "simple_history", obj.pk, first.history_id)
    data = admin_form_data(admin_client.get(url))
    before = history_total()

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert history_total() == before + 1
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (original, 3)
    record = obj.history.first()
    assert (record.history_type, record.history_user) == ("~", admin_user)


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=model_id)
def test_admin_delete_is_recorded_and_restorable(admin_client, admin_user, model):
    obj = factory_for(model)()
    before = stored_values(obj)

    deletion, restored = delete_and_restore(admin_client, admin_user, obj)

    assert deletion.history_user == admin_user
    assert restored.pk == obj.pk
    assert stored_values(restored) == before  # `created` included
    restoration = restored.history.first()
    assert (restoration.history_type, restoration.history_user) == ("+", admin_user)
