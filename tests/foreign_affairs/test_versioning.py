"""A save based on a stale version of a record is refused: in the model, the form, the admin."""

import pytest
from django.contrib import admin
from django.db.models import F
from django.forms import modelform_factory

from foreign_affairs.forms import VersionedModelForm
from foreign_affairs.models import StaleVersionError, VersionedModel, stale_version_message
from reports.models import Training
from tests.factories import (
    UserFactory,
    admin_form_data,
    admin_url,
    changed_text,
    domain_models,
    factory_for,
    make_inline_rows,
    model_id,
    text_field,
)
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

VERSIONED = [model for model in domain_models() if issubclass(model, VersionedModel)]
WITH_INLINES = [model for model in VERSIONED if admin.site._registry[model].inlines]
BACKGROUND_VALUE = "同事刚保存的修改"


def change_in_background(obj, field, *, by, value=BACKGROUND_VALUE):
    """Save a change to `obj`'s stored row as another user would, from another request."""
    other = type(obj)._default_manager.get(pk=obj.pk)
    setattr(other, field, value)
    other._history_user = by
    other.save()
    return other


def form_initial_data(form) -> dict:
    """Return the data of an unbound form as the user would send it back unchanged."""
    values = {name: form[name].value() for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_save_of_a_stale_copy_is_refused(model):
    pk, field = factory_for(model)().pk, text_field(model)
    first, second = model._default_manager.get(pk=pk), model._default_manager.get(pk=pk)
    setattr(first, field, changed_text(getattr(first, field)))
    first._history_user = UserFactory(username="zhang_wei", first_name="", last_name="张伟")
    first.save()
    assert first.version == 2

    setattr(second, field, "后保存的修改")
    with pytest.raises(StaleVersionError, match="张伟") as caught:
        second.save()

    assert caught.value.code == "stale_version"
    second.refresh_from_db()
    assert getattr(second, field) == getattr(first, field)
    assert second.version == 2
    assert second.history.count() == 2


def test_partial_save_also_moves_the_version():
    institution = InstitutionFactory()
    stale = type(institution).objects.get(pk=institution.pk)
    institution.city = "澳门"
    institution.save(update_fields=["city"])

    institution.refresh_from_db()
    assert (institution.city, institution.version) == ("澳门", 2)
    with pytest.raises(StaleVersionError):
        stale.save(update_fields=["notes"])


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_versioned_form_refuses_a_stale_version(model):
    form_class = modelform_factory(model, form=VersionedModelForm, fields="__all__")
    obj = factory_for(model)()
    data = form_initial_data(form_class(instance=obj))
    fresh = form_class(data, instance=model._default_manager.get(pk=obj.pk))
    assert fresh.is_valid(), fresh.errors

    change_in_background(
        obj, text_field(model), by=UserFactory(username="liu_yang", first_name="", last_name="刘洋")
    )
    stale = form_class(data, instance=model._default_manager.get(pk=obj.pk))

    assert not stale.is_valid()
    [error] = stale.non_field_errors().as_data()
    assert error.code == "stale_version"
    assert "刘洋" in error.message


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_admin_rerenders_a_stale_form_with_who_changed_it(admin_client, model):
    obj, field = factory_for(model)(), text_field(model)
    url = admin_url(model, "change", obj.pk)
    data = admin_form_data(admin_client.get(url))
    change_in_background(
        obj, field, by=UserFactory(username="chen_jing", first_name="", last_name="陈静")
    )
    data[field] = changed_text(data[field])

    response = admin_client.post(url, data)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors().as_data()
    assert error.code == "stale_version"
    assert "陈静" in response.content.decode()
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (BACKGROUND_VALUE, 2)


def test_admin_conflict_message_says_what_the_other_user_changed(admin_client):
    institution = InstitutionFactory(city="吉隆坡")
    url = admin_url(type(institution), "change", institution.pk)
    data = admin_form_data(admin_client.get(url))
    change_in_background(institution, "city", by=UserFactory(), value="槟城")

    response = admin_client.post(url, data)

    [error] = response.context["adminform"].form.non_field_errors()
    assert "吉隆坡" in error
    assert "槟城" in error


@pytest.mark.parametrize("model", WITH_INLINES, ids=model_id)
def test_admin_refuses_the_whole_form_when_an_inline_row_is_stale(admin_client, model):
    obj, field = factory_for(model)(), text_field(model)
    original = getattr(obj, field)
    row = make_inline_rows(obj)[0]
    url = admin_url(model, "change", obj.pk)
    data = admin_form_data(admin_client.get(url))
    change_in_background(
        row,
        text_field(type(row)),
        by=UserFactory(username="zhao_lei", first_name="", last_name="赵磊"),
    )
    data[field] = changed_text(data[field])

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "赵磊" in response.content.decode()
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (original, 1)


def test_admin_answers_a_save_that_loses_the_race_with_the_conflict_message(
    admin_client, monkeypatch
):
    training = factory_for(Training)()
    url = admin_url(Training, "change", training.pk)
    data = admin_form_data(admin_client.get(url))
    data["title"] = changed_text(training.title)
    model_admin = admin.site._registry[Training]
    save_model = model_admin.save_model

    def save_after_a_concurrent_save(request, obj, form, change):
        # Another request saves between this form's validation and its save.
        Training.objects.filter(pk=obj.pk).update(version=F("version") + 1)
        save_model(request, obj, form, change)

    monkeypatch.setattr(model_admin, "save_model", save_after_a_concurrent_save)
    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    [message] = response.context["messages"]
    assert (message.level_tag, message.message) == ("error", stale_version_message(training))
    assert Training.objects.get(pk=training.pk).title == training.title
