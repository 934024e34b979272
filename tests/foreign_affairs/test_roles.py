"""After `migrate`, the three groups hold exactly the permissions of DESIGN §1."""

import pytest
from django.contrib.auth.models import Group

PARTNERS = ["institution", "contact", "agreement", "interaction"]
EXCHANGES = [
    "exchangeproject",
    "participant",
    "visitplanline",
    "visit",
    "visitmember",
    "passportcustody",
]
VISIT_STEPS = {
    f"exchanges.{step}_visit"
    for step in (
        "submit",
        "review",
        "send_back",
        "approve",
        "depart",
        "come_back",
        "file_report",
        "receive",
        "close",
        "cancel",
    )
}
FACULTY = [
    "foreignteacher",
    "contract",
    "identitydocument",
    "qualificationcheck",
    "incident",
    "teacherchange",
]
REPORTS = ["annualreport", "reportpart", "reportsection", "submission", "training"]
ALL_MODELS = {"partners": PARTNERS, "exchanges": EXCHANGES, "faculty": FACULTY, "reports": REPORTS}


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def _crud(actions: tuple[str, ...]) -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, models in ALL_MODELS.items()
        for model in models
        for action in actions
    }


@pytest.mark.django_db
def test_office_staff_manage_everything_and_see_personal_data():
    expected = _crud(("view", "add", "change", "delete"))
    expected |= {"faculty.view_personal_data", "reports.submit_annualreport"}
    expected |= VISIT_STEPS
    expected |= {"exchanges.hand_out_passportcustody", "exchanges.take_back_passportcustody"}
    assert _perms("office_staff") == expected


@pytest.mark.django_db
def test_leadership_views_everything_and_approves_but_never_edits():
    perms = _perms("leadership")
    assert perms == _crud(("view",)) | {
        "reports.approve_annualreport",
        "reports.return_annualreport",
    }
    assert "faculty.view_personal_data" not in perms


@pytest.mark.django_db
def test_liaison_sees_partners_projects_visits_and_no_faculty_data():
    assert _perms("liaison") == {
        "partners.view_institution",
        "partners.view_contact",
        "partners.view_agreement",
        "partners.view_interaction",
        "exchanges.view_exchangeproject",
        "exchanges.add_exchangeproject",
        "exchanges.view_visit",
        "exchanges.add_visit",
        "exchanges.view_visitmember",
        "exchanges.view_visitplanline",
        # their own proposals only (own_records_only in exchanges/workflows.py)
        "exchanges.submit_visit",
        "exchanges.file_report_visit",
        "exchanges.cancel_visit",
    }


@pytest.mark.django_db
def test_roles_work_through_has_perm(django_user_model):
    leader = django_user_model.objects.create_user("lead", password="x")
    leader.groups.add(Group.objects.get(name="leadership"))
    assert leader.has_perm("partners.view_agreement")
    assert not leader.has_perm("partners.change_agreement")
    assert not leader.has_perm("faculty.view_personal_data")


@pytest.mark.django_db
def test_every_workflow_step_has_its_permission_after_migrate():
    from django.contrib.auth.models import Permission

    from foreign_affairs.workflow import workflows

    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    steps = {wf.permission(name) for wf in workflows.values() for name in wf.by_name}
    assert len(steps) >= 14 and steps <= existing
