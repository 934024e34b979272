import pytest
from django.test import Client, RequestFactory


class PortalClient(Client):
    """The test client, whose `login()` passes a request to `authenticate()`: django-axes
    (the first authentication backend) refuses to authenticate without one."""

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return super().login(**credentials)


@pytest.fixture
def client():
    """pytest-django's `client`, logging in through django-axes like the login page does."""
    return PortalClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Keep uploaded files of a test inside its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: the dashboard's cached panels are keyed by user
    id and record versions, which a rolled-back test database can repeat (SQLite reuses ids)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_client(client):
    """The client logged in as a user of the office staff group."""
    from django.contrib.auth.models import Group

    from foreign_affairs.roles import OFFICE_STAFF
    from tests.factories import UserFactory

    user = UserFactory()
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client.force_login(user)
    return client


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x-Secret-42")


def pytest_generate_tests(metafunc):
    """Parametrize the shared constraint matrix from each app's dictionaries of cases."""
    from tests.constraints import ConstraintTests

    cls = metafunc.cls
    if cls is None or not issubclass(cls, ConstraintTests):
        return
    for argument in ("model", "case", "field_first_case", "any_case", "allowed_case"):
        if argument in metafunc.fixturenames:
            values = cls.parameters(argument)
            ids = [value.__name__ if isinstance(value, type) else value for value in values]
            if not values:  # say why, instead of pytest's "empty parameter set"
                reason = f"{cls.app_label} has no constraint of this kind"
                values, ids = [pytest.param(None, marks=pytest.mark.skip(reason=reason))], None
            metafunc.parametrize(argument, values, ids=ids)
