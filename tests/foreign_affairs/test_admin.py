"""Every admin page of every registered model opens, and no changelist runs a query per row."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foreign_affairs.roles import DOMAIN_APPS
from tests.factories import admin_url, domain_models, factory_for, model_id

pytestmark = pytest.mark.django_db


def _registered(*app_labels):
    models = [model for model in admin.site._registry if model._meta.app_label in app_labels]
    return sorted(models, key=model_id)


REGISTERED = _registered(*DOMAIN_APPS, "auth")
REGISTERED_DOMAIN = _registered(*DOMAIN_APPS)


def test_every_domain_model_is_in_the_admin():
    assert set(domain_models()) == set(REGISTERED_DOMAIN)


def test_factory_for_fails_clearly_on_a_model_without_factory():
    with pytest.raises(LookupError, match=r"No factory for auth\.Permission"):
        factory_for(Permission)


@pytest.mark.parametrize("page", ["changelist", "add", "change", "history"])
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_admin_page_answers(admin_client, model, page):
    obj = factory_for(model)()
    args = (obj.pk,) if page in {"change", "history"} else ()
    response = admin_client.get(admin_url(model, page, *args))
    assert response.status_code == 200
    if page == "changelist":
        assert obj in response.context["cl"].result_list
    if page == "change":
        assert response.context["original"] == obj


@pytest.mark.parametrize("model", REGISTERED_DOMAIN, ids=model_id)
def test_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_num_queries, model):
    make, url = factory_for(model), admin_url(model, "changelist")
    make.create_batch(3)
    admin_client.get(url)  # warm the per-process caches (content types, site) first
    with CaptureQueriesContext(connection) as three_rows:
        admin_client.get(url)
    make.create_batch(10)
    with django_assert_num_queries(len(three_rows)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == model._default_manager.count() >= 13
