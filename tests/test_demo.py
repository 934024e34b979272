"""The demo data: built from the sample report, valid, idempotent, with working logins."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from exchanges.models import ExchangeProject
from faculty.models import ForeignTeacher
from foreign_affairs.workflow import is_read_only
from partners.models import Institution
from reports.demo import USERS

DOMAIN_APPS = ("partners", "exchanges", "faculty", "reports")


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in (*DOMAIN_APPS, "auth")
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_load_demo_twice_changes_nothing(demo):
    first = _counts()
    call_command("load_demo", verbosity=0)
    assert _counts() == first
    assert first["partners.Institution"] == 4
    assert first["partners.HistoricalInstitution"] == 4  # no history written by the rerun


def test_demo_rows_pass_validation(demo):
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.all():
                if is_read_only(obj):  # a closed or cancelled visit refuses any change
                    with pytest.raises(ValidationError, match="不能修改"):
                        obj.full_clean()
                    continue
                obj.full_clean()


def test_demo_follows_the_sample_report(demo):
    macau = Institution.objects.get(name_en="Kiang Wu Nursing College of Macau")
    assert macau.region_kind == "hmt"  # counted as 港澳台, never as a foreign country
    assert macau.is_greater_bay_area
    assert Institution.objects.get(name_en="Kyungbuk College").region_kind == "foreign"
    suspended = ExchangeProject.objects.filter(status=ExchangeProject.Status.SUSPENDED)
    assert suspended.count() == 2
    assert all("疫情" in project.status_reason for project in suspended)
    assert ExchangeProject.objects.filter(name__contains="3+2").exists()
    assert ExchangeProject.objects.filter(name__contains="鲁班工坊").exists()
    teacher = ForeignTeacher.objects.get()
    assert teacher.is_demo
    assert teacher.employment == ForeignTeacher.Employment.PART_TIME
    assert not teacher.is_hmt
    assert not teacher.incidents.exists()


@pytest.mark.parametrize("username", [row[0] for row in USERS])
def test_demo_users_can_log_in(demo, client, username):
    assert client.login(username=username, password="demo12345")
    response = client.get("/")
    assert response.status_code == 200


def test_load_demo_once_skips_a_loaded_database(demo, capsys):
    Institution.objects.filter(name_zh="迪拜上海中医诊所（连锁机构）").delete()
    call_command("load_demo", "--once")
    assert "already loaded" in capsys.readouterr().out
    assert not Institution.objects.filter(name_zh="迪拜上海中医诊所（连锁机构）").exists()
