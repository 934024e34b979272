"""Forms that help (issue 11 item 5, issue 12 item 2): searchable selects backed by the
autocomplete endpoint, the visit form's direction, the return to a parent's tab, contacts in
the global search, "、" between items, the conflict message naming a person."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.models import Visit
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.widgets import AUTOCOMPLETE_FIELDS, PAGE_SIZE
from partners.models import Contact, Institution
from tests.exchanges.factories import ExchangeProjectFactory, VisitFactory
from tests.factories import UserFactory, factory_for
from tests.faculty.factories import ForeignTeacherFactory
from tests.page_forms import page_data
from tests.partners.factories import ContactFactory, InstitutionFactory
from tests.test_permissions import OBJECT_MODELS, portal_patterns

pytestmark = pytest.mark.django_db

CJK = r"[\u3400-\u9fff]"


def _user(*, group: str | None = None, perms: tuple[str, ...] = (), **kwargs):
    user = UserFactory(**kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def staff(client):
    client.force_login(_user(group=OFFICE_STAFF))
    return client


def autocomplete(client, label: str = "partners.institution", **params):
    app_label, model_name = label.split(".")
    return client.get(reverse("autocomplete", args=[app_label, model_name]), params)


# --- the endpoint ---------------------------------------------------------------------------


def test_the_endpoint_needs_a_login(client):
    response = autocomplete(client)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_endpoint_refuses_a_user_without_the_view_permission(client):
    InstitutionFactory()
    client.force_login(_user(perms=("partners.view_contact",)))
    response = autocomplete(client)
    assert response.status_code == 403 and response.json()["error"]
    client.force_login(_user(perms=("partners.view_institution",)))
    assert autocomplete(client).status_code == 200


def test_a_liaison_may_not_list_teachers(client):
    ForeignTeacherFactory()
    client.force_login(_user(group=LIAISON))
    assert autocomplete(client, "faculty.foreignteacher").status_code == 403
    client.force_login(_user(group=LEADERSHIP))
    assert autocomplete(client, "faculty.foreignteacher").status_code == 200


def test_users_are_listed_to_whoever_may_name_one_in_a_record(client):
    # Viewing institutions names no user; changing a project does (its owner).
    client.force_login(_user(perms=("partners.view_institution",)))
    assert autocomplete(client, "auth.user").status_code == 403
    client.force_login(_user(perms=("exchanges.change_exchangeproject",)))
    assert autocomplete(client, "auth.user").status_code == 200
    client.force_login(_user(group=OFFICE_STAFF))
    assert autocomplete(client, "auth.user").status_code == 200


def test_only_searchable_models_are_served(staff):
    assert autocomplete(staff, "partners.interaction").status_code == 404
    assert autocomplete(staff, "nothing.here").status_code == 404
    assert "partners.interaction" not in AUTOCOMPLETE_FIELDS


def test_the_endpoint_pages_by_twenty(staff):
    InstitutionFactory.create_batch(PAGE_SIZE * 2 + 5)
    first = autocomplete(staff).json()
    assert len(first["results"]) == PAGE_SIZE and first["more"] is True
    third = autocomplete(staff, page=3).json()
    assert len(third["results"]) == 5 and third["more"] is False
    ids = {
        row["id"] for page in (1, 2, 3) for row in autocomplete(staff, page=page).json()["results"]
    }
    assert len(ids) == PAGE_SIZE * 2 + 5  # no record twice, none left out
    assert autocomplete(staff, page=99).json() == {"results": [], "more": False}


def test_the_endpoint_searches_chinese_and_english_names(staff):
    sydney = InstitutionFactory(name_zh="悉尼大学", name_en="The University of Sydney")
    InstitutionFactory(name_zh="墨尔本大学", name_en="University of Melbourne")
    for query in ("悉尼", "sydney", "SYDNEY"):
        results = autocomplete(staff, q=query).json()["results"]
        assert results == [{"id": str(sydney.pk), "text": "悉尼大学"}], query
    assert len(autocomplete(staff, q="大学").json()["results"]) == 2


def test_people_are_labelled_by_their_full_name(staff):
    chen = UserFactory(username="chen", first_name="陈晓燕", last_name="")
    results = autocomplete(staff, "auth.user", q="晓燕").json()["results"]
    assert results == [{"id": str(chen.pk), "text": "陈晓燕"}]
    assert autocomplete(staff, "auth.user", q="chen").json()["results"][0]["text"] == "陈晓燕"


def test_inactive_users_are_not_offered(staff):
    UserFactory(first_name="离职", last_name="员工", is_active=False)
    assert autocomplete(staff, "auth.user", q="离职").json()["results"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-1"},
        {"page": str(10**30)},
        {"q": "悉尼\x00"},
        {"q": "x" * 101},
    ],
    ids=["text-page", "zero", "negative", "huge", "nul", "too-long"],
)
def test_bad_parameters_answer_400_with_a_chinese_reason(staff, params):
    response = autocomplete(staff, **params)
    assert response.status_code == 400
    assert re.search(CJK, response.json()["error"]), response.json()


def test_the_endpoint_costs_the_same_queries_for_any_table(staff):
    InstitutionFactory.create_batch(3)
    autocomplete(staff)  # warm the session and permission caches

    def queries(**params):
        with CaptureQueriesContext(connection) as context:
            assert autocomplete(staff, **params).status_code == 200
        return len(context.captured_queries)

    few = queries(q="合作")
    InstitutionFactory.create_batch(60)
    assert queries(q="合作") == few
    assert queries(q="合作", page=3) == few
    UserFactory.create_batch(30)
    assert queries() == few  # institutions without q: the same


# --- no long <select> anywhere --------------------------------------------------------------

OPTION = re.compile(r"<option\b", re.I)
SELECT = re.compile(r"<select\b[^>]*>(.*?)</select>", re.I | re.S)


def long_selects(html: str, limit: int = 50) -> list[str]:
    """Return the opening of every <select> of `html` with more than `limit` options."""
    return [
        match.group(0)[:160]
        for match in SELECT.finditer(html)
        if len(OPTION.findall(match.group(1))) > limit
    ]


def _pages_to_walk() -> list[tuple[str, str]]:
    """(URL name, URL) of every page without arguments and every page of one record."""
    from django.apps import apps

    models = {label.split(".")[1]: apps.get_model(label) for label in OBJECT_MODELS}
    pages = []
    for route in portal_patterns():
        converters = set(route.pattern.pattern.converters)
        if not converters and route.name not in ("logout", "set_language"):
            pages.append((route.name, reverse(route.name)))
        elif converters == {"pk"}:
            page = route.name.split(":")[-1]
            model = next((m for name, m in models.items() if page.startswith(name)), None)
            if model is not None:
                obj = model._default_manager.order_by("pk").first()
                pages.append((route.name, reverse(route.name, kwargs={"pk": obj.pk})))
    return pages


def test_the_long_selects_detector_counts_options():
    html = "<select name='a'>" + "<option>x</option>" * 51 + "</select><select name='b'>"
    html += "<option>y</option>" * 50 + "</select>"
    found = long_selects(html)
    assert len(found) == 1 and found[0].startswith("<select name='a'>")


def test_no_page_renders_a_select_of_more_than_fifty_options_at_200_rows(staff):
    for label in AUTOCOMPLETE_FIELDS:
        if label in ("auth.user", "reports.annualreport"):
            continue
        from django.apps import apps

        factory_for(apps.get_model(label)).create_batch(200)
    UserFactory.create_batch(200)
    for label in OBJECT_MODELS:  # a record of each, for its edit and detail pages
        from django.apps import apps

        factory_for(apps.get_model(label))()
    problems, walked = {}, set()
    for name, url in _pages_to_walk():
        response = staff.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        walked.add(name)
        found = long_selects(response.content.decode())
        if found:
            problems[url] = found
    assert not problems, problems
    # Every list and form page was among them, and answered.
    expected = {
        f"{label.replace('.', ':')}{suffix}"
        for label in OBJECT_MODELS
        for suffix in ("_list", "_add", "_edit")
    }
    assert expected <= walked, expected - walked


def test_a_long_choice_list_travels_as_json_beside_its_select(staff):
    html = staff.get(reverse("partners:institution_add")).content.decode()
    select = re.search(
        r'<select name="country".*?</select>\s*<script[^>]*>(.*?)</script>', html, re.S
    )
    assert select, "the country select and its JSON choices"
    assert 'data-searchable="static"' in select.group(0)
    assert '["MY","马来西亚"]' in select.group(1) and select.group(1).count('"],["') > 200


def test_forms_use_the_searchable_selects_and_name_people_in_full(staff):
    chen = UserFactory(username="chen", first_name="陈晓燕", last_name="")
    teacher = ForeignTeacherFactory(manager=chen)
    html = staff.get(reverse("faculty:foreignteacher_edit", args=[teacher.pk])).content.decode()
    manager = re.search(r'<select name="manager".*?</select>', html, re.S).group(0)
    assert 'data-autocomplete-url="/autocomplete/auth/user/"' in manager
    assert f'<option value="{chen.pk}" selected>陈晓燕</option>' in manager
    assert ">chen<" not in manager
    project_form = staff.get(reverse("exchanges:exchangeproject_add")).content.decode()
    partners = re.search(r'<select name="partners".*?</select>', project_form, re.S).group(0)
    assert "multiple" in partners and "/autocomplete/partners/institution/" in partners


def test_list_filters_use_the_autocomplete_widget(staff):
    institution = InstitutionFactory(name_zh="悉尼大学")
    ContactFactory(institution=institution)
    html = staff.get(reverse("partners:contact_list"), {"institution": institution.pk})
    select = re.search(r'<select name="institution".*?</select>', html.content.decode(), re.S)
    assert "/autocomplete/partners/institution/" in select.group(0)
    assert f'<option value="{institution.pk}" selected>悉尼大学</option>' in select.group(0)


@pytest.mark.parametrize("value", ["999999", "abc", str(2**70), "1\x00"])
def test_an_invalid_record_in_a_filter_is_the_filters_chinese_error(staff, value):
    ContactFactory()
    response = staff.get(reverse("partners:contact_list"), {"institution": value})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert "institution" in errors or "__all__" in errors
    assert any(re.search(CJK, str(error)) for error in errors.get("institution", []))


@pytest.mark.parametrize("value", ["999999", "abc", str(2**70)])
def test_an_invalid_record_in_a_form_is_the_fields_chinese_error(staff, value):
    url = reverse("partners:contact_add")
    response = staff.post(url, {"institution": value, "name": "王五"})
    assert response.status_code == 200
    errors = response.context["form"].errors["institution"]
    assert re.search(CJK, errors[0])
    assert not Contact.objects.filter(name="王五").exists()


# --- back to the parent's tab ---------------------------------------------------------------


def test_a_child_form_returns_to_its_parents_tab(staff):
    institution = InstitutionFactory()
    detail = staff.get(institution.get_absolute_url())
    tab = next(tab for tab in detail.context["tabs"] if tab["slug"] == "contacts")
    back = f"{institution.get_absolute_url()}#tab-contacts"
    assert "next=" in tab["add_url"] and f"institution={institution.pk}" in tab["add_url"]
    form = staff.get(tab["add_url"])
    assert form.context["form"].initial["institution"] == str(institution.pk)
    data = page_data(form)
    data.update(name="王五", title="处长")
    response = staff.post(tab["add_url"], data)
    assert response.status_code == 302
    assert response["Location"] == back
    assert Contact.objects.get(name="王五").institution == institution


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/ok\x00"]
)
def test_a_foreign_next_address_is_ignored(staff, target):
    institution = InstitutionFactory()
    url = reverse("partners:contact_add") + "?" + f"institution={institution.pk}"
    response = staff.post(
        url + "&next=" + target.replace("\x00", "%00"),
        {
            "institution": institution.pk,
            "name": "赵六",
        },
    )
    contact = Contact.objects.get(name="赵六")
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()


# --- the visit form's direction -------------------------------------------------------------


def _visit_post(staff, **values):
    form = staff.get(reverse("exchanges:visit_add"))
    data = page_data(form)
    data.update(institutions=[], **values)
    return staff.post(reverse("exchanges:visit_add"), data)


def test_an_outbound_visit_drops_what_was_typed_for_a_delegation(staff):
    response = _visit_post(
        staff,
        direction=Visit.Direction.OUTBOUND,
        title="赴日本交流",
        destinations=["JP"],
        planned_start="2026-05-01",
        planned_end="2026-05-05",
        delegation="东京大学代表团",
        nationality="JP",
        host_department="护理学院",
        reception_plan="参观实训中心",
        department="护理学院",
    )
    assert response.status_code == 302, response.context["form"].errors
    visit = Visit.objects.get(title="赴日本交流")
    assert (visit.delegation, str(visit.nationality), visit.host_department) == ("", "", "")
    assert visit.reception_plan == "" and visit.department == "护理学院"


def test_an_inbound_visit_drops_the_outbound_fields(staff):
    response = _visit_post(
        staff,
        direction=Visit.Direction.INBOUND,
        title="东京大学来访",
        destinations=["CN"],
        planned_start="2026-05-01",
        planned_end="2026-05-03",
        delegation="东京大学代表团",
        nationality="JP",
        persons="4",
        department="护理学院",
        funding_source="学校经费",
        stopovers=["KR"],
        off_plan_reason="临时邀请",
    )
    assert response.status_code == 302, response.context["form"].errors
    visit = Visit.objects.get(title="东京大学来访")
    assert (visit.department, visit.funding_source, visit.off_plan_reason) == ("", "", "")
    assert not visit.stopovers and visit.delegation == "东京大学代表团" and visit.persons == 4


def test_the_visit_form_tags_each_field_with_its_direction(staff):
    html = staff.get(reverse("exchanges:visit_add")).content.decode()
    assert re.search(r'data-field="delegation" data-direction="inbound"', html)
    assert re.search(r'data-field="plan_line" data-direction="outbound"', html)
    assert 'id="members-fieldset" data-direction="outbound"' in html
    assert 'data-field="title" data-direction' not in html


# --- global search, separators, the conflict message ----------------------------------------


def test_contacts_are_found_by_the_global_search(client):
    contact = ContactFactory(name="约翰·史密斯", institution=InstitutionFactory(name_zh="悉尼大学"))
    client.force_login(_user(group=LIAISON))
    response = client.get(reverse("search"), {"q": "史密斯"})
    assert contact in [row for group in response.context["groups"] for row in group["rows"]]
    assert "悉尼大学" in response.content.decode()  # the contact's institution beside it
    # Whoever may not view contacts does not find them.
    client.force_login(_user(perms=("partners.view_institution",)))
    response = client.get(reverse("search"), {"q": "史密斯"})
    assert not response.context["groups"]


def test_items_are_separated_by_the_chinese_enumeration_comma(staff):
    project = ExchangeProjectFactory()
    project.partners.add(
        InstitutionFactory(name_zh="悉尼大学"), InstitutionFactory(name_zh="东京大学")
    )
    visit = VisitFactory(destinations=["JP", "KR"])
    visit.institutions.add(*project.partners.all())
    teacher = ForeignTeacherFactory()
    teacher.assistants.add(UserFactory(first_name="陈晓燕", last_name=""), UserFactory())
    pages = [
        reverse("exchanges:exchangeproject_list"),
        reverse("exchanges:visit_list"),
        reverse("faculty:foreignteacher_list"),
        project.get_absolute_url(),
        visit.get_absolute_url(),
        teacher.get_absolute_url(),
    ]
    for url in pages:
        html = staff.get(url).content.decode()
        text = re.sub(r"<[^>]+>", "|", re.sub(r"<script.*?</script>", "", html, flags=re.S))
        found = re.findall(rf".{{0,60}}{CJK}[）)]?, ?[（(]?{CJK}.{{0,30}}", text, re.S)
        assert not found, (url, found)
    assert "悉尼大学" in staff.get(project.get_absolute_url()).content.decode()


def test_the_conflict_message_names_the_other_person_in_full(client):
    institution = InstitutionFactory()
    url = reverse("partners:institution_edit", args=[institution.pk])
    chen = _user(group=OFFICE_STAFF, username="chen", first_name="陈晓燕", last_name="")
    other = _user(group=OFFICE_STAFF)
    client.force_login(other)
    stale = page_data(client.get(url))
    client.force_login(chen)
    mine = page_data(client.get(url))
    mine["city"] = "悉尼"
    assert client.post(url, mine).status_code == 302
    client.force_login(other)
    stale["city"] = "墨尔本"
    response = client.post(url, stale)
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "陈晓燕" in message and "chen" not in message
    assert Institution.objects.get(pk=institution.pk).city == "悉尼"


def test_a_date_field_is_unaffected(staff):
    # The searchable widgets leave other inputs alone: dates keep the native picker.
    html = staff.get(reverse("partners:agreement_add")).content.decode()
    assert re.search(r'<input type="date" name="signed_on"', html)
