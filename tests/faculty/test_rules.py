"""A teacher's legal status, item by item, at each rule's boundary (faculty/rules.py)."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils.translation import override

from faculty.models import ForeignTeacher, IdentityDocument
from faculty.rules import TEACHER_RULES, checklist_of, teacher_checklist
from faculty.selectors import ChangeFacts, DocumentFacts, TeacherFacts, teacher_facts
from foreign_affairs.compliance import BLOCKING, WARNING, evaluate, findings
from foreign_affairs.models import add_months
from tests.faculty.factories import (
    ForeignTeacherFactory,
    IdentityDocumentFactory,
    TeacherChangeFactory,
)

Kind = IdentityDocument.Kind
TODAY = date(2026, 3, 15)
PERMIT_ISSUED = TODAY - timedelta(days=100)
IN_A_YEAR = TODAY + timedelta(days=300)


def documents(**replaced) -> tuple[DocumentFacts, ...]:
    """Return a complete file: class B permits valid for a year, certificates in time."""
    files = {
        Kind.WORK_PERMIT: DocumentFacts(Kind.WORK_PERMIT, "B", PERMIT_ISSUED, IN_A_YEAR),
        Kind.RESIDENCE_PERMIT: DocumentFacts(Kind.RESIDENCE_PERMIT, "", PERMIT_ISSUED, IN_A_YEAR),
        Kind.HEALTH_CERTIFICATE: DocumentFacts(
            Kind.HEALTH_CERTIFICATE, "", PERMIT_ISSUED - timedelta(days=30)
        ),
        Kind.CRIMINAL_RECORD: DocumentFacts(Kind.CRIMINAL_RECORD, "", date(2025, 10, 1)),
        Kind.DEGREE_CERTIFICATION: DocumentFacts(Kind.DEGREE_CERTIFICATION, "", date(2025, 9, 1)),
    }
    files.update(replaced)
    return tuple(document for document in files.values() if document is not None)


def facts(**values) -> TeacherFacts:
    """Return a qualified, employed British English teacher unless told otherwise."""
    defaults = dict(
        today=TODAY,
        status=ForeignTeacher.Status.EMPLOYED,
        nationality="GB",
        date_of_birth=date(1988, 6, 1),
        highest_degree=ForeignTeacher.Degree.BACHELOR,
        years_experience=3,
        native_language="English",
        documents=documents(),
    )
    return TeacherFacts(**{**defaults, **values})


def codes(teacher_facts: TeacherFacts) -> dict[str, str]:
    """Return code -> severity of every finding."""
    return {f.code: f.severity for f in evaluate(TEACHER_RULES, teacher_facts)}


def states(teacher_facts: TeacherFacts) -> dict[str, str]:
    return {line.item.code: line.state for line in checklist_of(teacher_facts).lines}


def test_a_complete_file_is_green_item_by_item():
    assert codes(facts()) == {}
    assert set(states(facts()).values()) == {"ok"}
    assert len(states(facts())) == 8


def test_an_employed_teacher_without_documents_is_red():
    found = codes(facts(documents=()))
    for code in (
        "teacher.work_permit.missing",
        "teacher.residence_permit.missing",
        "teacher.health_certificate.missing",
        "teacher.criminal_record.missing",
        "teacher.degree_certification.missing",
    ):
        assert found[code] == BLOCKING
    assert checklist_of(facts(documents=())).worst == BLOCKING


def test_a_candidate_without_permits_needs_them_before_work():
    found = codes(
        facts(
            status=ForeignTeacher.Status.CANDIDATE,
            documents=documents(**{Kind.WORK_PERMIT: None, Kind.RESIDENCE_PERMIT: None}),
        )
    )
    assert found == {
        "teacher.work_permit.needed": WARNING,
        "teacher.residence_permit.needed": WARNING,
    }


@pytest.mark.parametrize("kind", [Kind.WORK_PERMIT, Kind.RESIDENCE_PERMIT])
def test_a_permit_expiring_today_is_valid_yesterday_expired(kind):
    name = "work_permit" if kind == Kind.WORK_PERMIT else "residence_permit"
    permit_class = "B" if kind == Kind.WORK_PERMIT else ""
    today = codes(
        facts(
            documents=documents(**{kind: DocumentFacts(kind, permit_class, PERMIT_ISSUED, TODAY)})
        )
    )
    assert f"teacher.{name}.expired" not in today
    assert today[f"teacher.{name}.extension_late"] == BLOCKING  # but the extension is late
    yesterday = TODAY - timedelta(days=1)
    expired = codes(
        facts(
            documents=documents(
                **{kind: DocumentFacts(kind, permit_class, PERMIT_ISSUED, yesterday)}
            )
        )
    )
    assert expired[f"teacher.{name}.expired"] == BLOCKING


@pytest.mark.parametrize("days, due", [(45, True), (46, False)])
def test_the_extension_is_due_from_the_office_deadline(settings, days, due):
    settings.PERMIT_EXTENSION_OFFICE_DAYS = 45
    permit = DocumentFacts(Kind.RESIDENCE_PERMIT, "", PERMIT_ISSUED, TODAY + timedelta(days=days))
    found = codes(facts(documents=documents(**{Kind.RESIDENCE_PERMIT: permit})))
    assert ("teacher.residence_permit.extension" in found) is due
    if due:
        with override("en"):
            message = next(
                f.message
                for f in evaluate(
                    TEACHER_RULES, facts(documents=documents(**{Kind.RESIDENCE_PERMIT: permit}))
                )
            )
        assert "30 days" in message


@pytest.mark.parametrize("offset, too_old", [(1, False), (0, False), (-1, True)])
def test_the_health_certificate_is_at_most_six_months_old_when_the_permit_is_applied_for(
    settings, offset, too_old
):
    settings.HEALTH_CERTIFICATE_VALID_MONTHS = 6
    issued = add_months(PERMIT_ISSUED, -6) + timedelta(days=offset)
    health = DocumentFacts(Kind.HEALTH_CERTIFICATE, "", issued)
    found = codes(facts(documents=documents(**{Kind.HEALTH_CERTIFICATE: health})))
    assert ("teacher.health_certificate.too_old" in found) is too_old


def test_without_a_permit_the_health_certificate_is_read_against_today():
    health = DocumentFacts(Kind.HEALTH_CERTIFICATE, "", add_months(TODAY, -6) - timedelta(days=1))
    found = codes(
        facts(
            status=ForeignTeacher.Status.CANDIDATE,
            documents=documents(**{Kind.WORK_PERMIT: None, Kind.HEALTH_CERTIFICATE: health}),
        )
    )
    assert found["teacher.health_certificate.too_old"] == BLOCKING


def _born(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years)


@pytest.mark.parametrize("age, finding", [(60, None), (61, "teacher.age.limit")])
def test_the_class_b_age_limit_is_sixty(settings, age, finding):
    settings.TEACHER_GUARANTEE_AGE = 60
    found = codes(facts(date_of_birth=_born(age)))
    assert [code for code in found if code.startswith("teacher.age")] == (
        [finding] if finding else []
    )


def test_over_sixty_with_a_guarantee_letter_is_amber_and_class_a_has_no_age_limit():
    assert codes(facts(date_of_birth=_born(61), has_guarantee_letter=True)) == {
        "teacher.age.relaxed": WARNING
    }
    class_a = DocumentFacts(Kind.WORK_PERMIT, "A", PERMIT_ISSUED, IN_A_YEAR)
    older = facts(date_of_birth=_born(70), documents=documents(**{Kind.WORK_PERMIT: class_a}))
    assert codes(older) == {}
    assert states(older)["age"] == "na"


def _language_teacher(nationality: str, **values) -> TeacherFacts:
    language_teacher = dict(
        nationality=nationality,
        years_experience=0,
        native_language="English",
        teaches_native_language=True,
        has_tefl_certificate=True,
    )
    return facts(**{**language_teacher, **values})


def test_a_uk_national_teaching_english_with_tefl_passes_the_waiver():
    assert codes(_language_teacher("GB")) == {}
    assert codes(_language_teacher("GB", native_language="英语")) == {}


def test_a_russian_national_teaching_english_does_not_pass_the_waiver():
    found = evaluate(TEACHER_RULES, _language_teacher("RU"))
    assert [f.code for f in found] == ["teacher.class_b.experience"]
    with override("en"):
        message = evaluate(TEACHER_RULES, _language_teacher("RU"))[0].message
    assert "Russia" in message
    assert states(_language_teacher("RU"))["class_b"] == BLOCKING


@pytest.mark.parametrize(
    "values",
    [
        dict(teaches_native_language=False),
        dict(has_tefl_certificate=False),
        dict(native_language="French"),  # no sourced list of countries for French
    ],
    ids=["not-teaching-native-language", "no-certificate", "language-without-list"],
)
def test_the_waiver_needs_every_condition(values):
    assert "teacher.class_b.experience" in codes(_language_teacher("GB", **values))


def test_class_b_needs_a_bachelors_degree():
    found = codes(facts(highest_degree=ForeignTeacher.Degree.ASSOCIATE))
    assert found == {"teacher.class_b.degree": BLOCKING}


def test_the_english_countries_can_be_extended_in_settings(settings):
    settings.NATIVE_LANGUAGE_COUNTRIES = {"en": ("GB", "IE")}
    assert codes(_language_teacher("IE")) == {}


def test_a_hong_kong_resident_is_not_checked_as_a_foreign_teacher():
    resident = facts(nationality="HK", documents=())
    assert codes(resident) == {"teacher.hmt.document": BLOCKING}
    assert list(states(resident)) == ["hmt"]
    travel_permit = DocumentFacts(Kind.MAINLAND_TRAVEL_PERMIT, "", date(2020, 1, 1), TODAY)
    with_permit = facts(nationality="HK", documents=(travel_permit,), years_experience=0)
    assert codes(with_permit) == {}
    assert states(with_permit) == {"hmt": "ok"}


@pytest.mark.parametrize(
    "days_ago, filed, finding",
    [
        (10, False, ("teacher.change.due", WARNING)),
        (11, False, ("teacher.change.late", BLOCKING)),
        (30, True, None),
    ],
)
def test_changes_are_filed_within_ten_days(days_ago, filed, finding):
    changed = TODAY - timedelta(days=days_ago)
    change = ChangeFacts("passport", "new passport", changed, changed if filed else None)
    found = codes(facts(changes=(change,)))
    assert found == (dict([finding]) if finding else {})


def test_a_teacher_who_left_is_not_checked():
    gone = facts(status=ForeignTeacher.Status.LEFT, documents=())
    assert codes(gone) == {}
    assert set(states(gone).values()) == {"na"}


# --- with the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_facts_are_read_as_of_a_day():
    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    IdentityDocumentFactory(teacher=teacher, kind=Kind.CRIMINAL_RECORD, issued_on=date(2026, 1, 5))
    TeacherChangeFactory(teacher=teacher, changed_on=date(2026, 2, 1), filed_on=None)
    before = teacher_facts(teacher, on=date(2025, 12, 31))
    assert before.documents == () and before.changes == ()
    assert len(teacher_facts(teacher, on=TODAY).documents) == 1


@pytest.mark.django_db
def test_the_demo_teachers_show_their_items_with_reasons():
    call_command("load_demo", verbosity=0)
    # The employed teacher's documents are valid today: her permits fall due, none is red.
    emily = ForeignTeacher.objects.get(email="emily.carter@example.com")
    assert not [f for f in findings(emily) if f.severity == BLOCKING]
    assert {line.item.code: line.state for line in teacher_checklist(emily).lines}[
        "work_permit"
    ] != BLOCKING
    # The recruit under review still misses the criminal-record certificate: red, with why.
    recruit = ForeignTeacher.objects.get(email="lukas.becker@example.de")
    found = {f.code: f for f in findings(recruit)}
    assert found["teacher.criminal_record.missing"].severity == BLOCKING
    assert found["teacher.criminal_record.missing"].message
    checklist = teacher_checklist(recruit)
    assert checklist.worst == BLOCKING
    assert {line.item.code: line.state for line in checklist.lines}["criminal_record"] == BLOCKING


@pytest.mark.django_db
def test_compliance_report_lists_teacher_findings(capsys):
    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    ForeignTeacherFactory(status=ForeignTeacher.Status.LEFT)  # not examined
    call_command("compliance_report", "--json")
    rows = [
        row
        for row in json.loads(capsys.readouterr().out)
        if row["model"] == "faculty.ForeignTeacher"
    ]
    assert {row["pk"] for row in rows} == {teacher.pk}
    assert "teacher.work_permit.missing" in {row["code"] for row in rows}
    assert all(row["source"] for row in rows)


def test_every_rule_has_a_source_with_an_address_and_an_item():
    from faculty.rules import CHECKLIST

    items = {item.code for item in CHECKLIST}
    for rule in TEACHER_RULES:
        assert rule.source.url.startswith("http"), rule.code
        assert rule.source.quote, rule.code
        assert rule.code.split(".")[1] in items, rule.code


@pytest.mark.django_db
def test_facts_read_in_bulk_are_the_facts_of_each_teacher():
    """`teacher_facts_by_pk` (the 10k-row export, three values queries) gives for every
    teacher exactly what `teacher_facts` gives from the record: documents not issued yet and
    changes not made yet left out, in the models' order, an empty or a 港澳台 nationality."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from faculty.selectors import teacher_facts_by_pk

    today = date(2026, 6, 1)
    plain = ForeignTeacherFactory()
    hmt = ForeignTeacherFactory(nationality="HK", family_name="Chan")
    stateless = ForeignTeacherFactory(nationality="", family_name="Doe")
    for teacher in (plain, hmt):
        IdentityDocumentFactory(teacher=teacher, kind=IdentityDocument.Kind.WORK_PERMIT)
        IdentityDocumentFactory(teacher=teacher, issued_on=today + timedelta(days=1))
        IdentityDocumentFactory(teacher=teacher, issued_on=None, expires_on=None)
        TeacherChangeFactory(teacher=teacher, changed_on=today, filed_on=today)
        TeacherChangeFactory(teacher=teacher, changed_on=today + timedelta(days=1), filed_on=None)
        TeacherChangeFactory(teacher=teacher, changed_on=date(2024, 1, 1), filed_on=None)

    with CaptureQueriesContext(connection) as queries:
        bulk = teacher_facts_by_pk(ForeignTeacher.objects.all(), on=today)

    assert len(queries) == 3
    for teacher in (plain, hmt, stateless):
        assert bulk[teacher.pk] == teacher_facts(teacher, on=today)
        assert checklist_of(bulk[teacher.pk]) == teacher_checklist(teacher, on=today)
    assert len(bulk[plain.pk].documents) == 2 and len(bulk[plain.pk].changes) == 2


@pytest.mark.django_db
def test_legal_status_of_an_export_is_computed_again_after_any_change_it_reads(monkeypatch):
    """The export's legal-status column is kept in the cache (the rules take over a second
    for 10k teachers), keyed by the versions of teachers, documents and changes, the day and
    the language: each change, a new day or another language gives the status as of now."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from faculty.tables import legal_status_text, legal_status_texts

    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    other = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED, family_name="Zhou")
    teachers = ForeignTeacher.objects.filter(pk=teacher.pk)

    def expected(record):
        return legal_status_text(teacher_checklist(ForeignTeacher.objects.get(pk=record.pk)))

    first = legal_status_texts(teachers)
    assert first == {teacher.pk: expected(teacher)}
    with CaptureQueriesContext(connection) as queries:
        assert legal_status_texts(teachers) == first  # kept
    assert len(queries) == 1  # what the tables hold (`data_stamp`): no rules run
    assert legal_status_texts(ForeignTeacher.objects.all()) == {  # another query, its own
        teacher.pk: expected(teacher),
        other.pk: expected(other),
    }

    # A document: the permits come, one by one; each save is seen at once.
    for kind, permit_class in ((Kind.WORK_PERMIT, "B"), (Kind.RESIDENCE_PERMIT, "")):
        IdentityDocumentFactory(teacher=teacher, kind=kind, permit_class=permit_class)
        assert legal_status_texts(teachers) == {teacher.pk: expected(teacher)}
    changed = legal_status_texts(teachers)
    assert changed != first
    # A change of the teacher's record (the nationality: a 港澳台 teacher has other items).
    teacher.nationality = "HK"
    teacher.save()
    assert legal_status_texts(teachers) == {teacher.pk: expected(teacher)} != changed
    # A reported change (a TeacherChange).
    TeacherChangeFactory(teacher=teacher, changed_on=timezone.localdate(), filed_on=None)
    assert legal_status_texts(teachers) == {teacher.pk: expected(teacher)}
    # A deletion.
    teacher.documents.all().delete()
    assert legal_status_texts(teachers) == {teacher.pk: expected(teacher)}
    # Writes no signal tells of (another process, a bulk insert, a restore): what the tables
    # hold is part of the key.
    every = ForeignTeacher.objects.all()
    legal_status_texts(every)
    (added,) = ForeignTeacher.objects.bulk_create(
        [ForeignTeacherFactory.build(status=ForeignTeacher.Status.EMPLOYED, family_name="Qian")]
    )
    assert legal_status_texts(every)[added.pk] == expected(added)
    others = ForeignTeacher.objects.filter(pk=other.pk)
    before = legal_status_texts(others)
    IdentityDocument.objects.bulk_create(
        [IdentityDocumentFactory.build(teacher=other, kind=Kind.WORK_PERMIT, permit_class="B")]
    )
    assert legal_status_texts(others) == {other.pk: expected(other)} != before

    # The next day: derived again, from that day's dates.
    mine = ForeignTeacher.objects.filter(pk=other.pk)
    legal_status_texts(mine)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        tomorrow_text = legal_status_texts(mine)[other.pk]
    assert len(queries) == 4  # what the tables hold, then the rules' three reads
    assert tomorrow_text == legal_status_text(teacher_checklist(other, on=tomorrow))

    # Another language: its own labels.
    with override("en"):
        english = legal_status_texts(mine)[other.pk]
        assert english == legal_status_text(teacher_checklist(other, on=tomorrow))
    assert english != tomorrow_text


@pytest.mark.parametrize(
    ("name", "value"),
    [("NATIVE_LANGUAGE_COUNTRIES", ["NZ"]), ("TEACHER_GUARANTEE_AGE", 99)],
)
def test_the_legal_status_cache_is_keyed_by_every_setting_the_rules_read(settings, name, value):
    """`source_stamp` digests the settings the rules name, as `settings.NAME` or through
    `getattr(settings, "NAME", default)`: another value is another cache key."""
    from foreign_affairs.dashboard import source_stamp

    source_stamp.cache_clear()
    before = source_stamp("faculty.rules")
    setattr(settings, name, value)
    source_stamp.cache_clear()
    try:
        assert source_stamp("faculty.rules") != before
    finally:
        source_stamp.cache_clear()
