"""`manage.py seed_bench`: every domain model filled, deterministic, refused twice, pages render.

The models are discovered from the app registry: a new domain model fails
`test_every_domain_model_is_filled` until demo/bench.py seeds it.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from demo.bench import STAFF_USERNAME
from tests.factories import domain_models
from tests.test_list_queries import LIST_PAGES

pytestmark = pytest.mark.django_db

ROWS = 20


def seed_bench(*args) -> str:
    out = StringIO()
    call_command("seed_bench", "--rows", str(ROWS), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every domain row without its keys and timestamps; a foreign key as the position of
    the row it points to (keys differ between runs, positions do not)."""
    models = domain_models()
    positions = {
        model: {
            pk: index
            for index, pk in enumerate(
                model._base_manager.order_by("pk").values_list("pk", flat=True)
            )
        }
        for model in models
    }
    result = {}
    for model in models:
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in ("created", "updated")
        ]
        rows = []
        for row in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            values = []
            for field, value in zip(fields, row, strict=True):
                if field.is_relation and value is not None:
                    related = field.related_model
                    value = positions[related][value] if related in positions else "user"
                values.append(value)
            rows.append(tuple(values))
        result[model._meta.label] = rows
    return result


def test_every_domain_model_is_filled_with_its_history():
    output = seed_bench()
    for model in domain_models():
        count = model._base_manager.count()
        assert count >= ROWS, f"seed_bench leaves {model._meta.label} with {count} rows"
        assert model._meta.label in output
        if hasattr(model, "history"):
            assert model.history.count() == count, f"{model._meta.label}: history rows missing"


def test_the_rows_are_the_same_every_time():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            seed_bench()
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert all(runs[0].values())


def test_a_second_run_is_refused_unless_forced():
    seed_bench()
    with pytest.raises(CommandError, match="--force"):
        seed_bench()
    seed_bench("--force")
    from partners.models import Institution

    assert Institution.objects.count() == 2 * ROWS


def test_the_rows_are_realistic():
    from exchanges.models import Visit
    from faculty.models import IdentityDocument
    from partners.models import Agreement, Institution

    seed_bench("--rows", "200")
    names = list(Institution.objects.values_list("name_zh", "name_en"))
    assert all(zh and en for zh, en in names)
    assert any("\u4e00" <= ch <= "\u9fff" for zh, _ in names for ch in zh)
    assert Institution.objects.filter(country__in=["HK", "MO", "TW"]).exists()
    states = {agreement.state for agreement in Agreement.objects.all()}
    assert {"expired", "in_force"} <= states
    assert len({visit.status for visit in Visit.objects.all()}) >= 6
    from django.utils import timezone

    today = timezone.localdate()
    expiries = IdentityDocument.objects.exclude(expires_on=None).values_list(
        "expires_on", flat=True
    )
    assert any(day < today for day in expiries) and any(day > today for day in expiries)


@pytest.mark.parametrize("route", LIST_PAGES, ids=lambda route: route.name)
def test_every_list_page_renders_the_seeded_rows(client, django_user_model, route):
    seed_bench()
    client.force_login(django_user_model.objects.get(username=STAFF_USERNAME))
    response = client.get(reverse(route.name))
    assert response.status_code == 200
