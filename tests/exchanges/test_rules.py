"""The outbound-visit rules, each at its boundary with the number its cited source gives.

Rules that read only the trip itself are checked on `VisitFacts` built directly (no
database); those comparing a trip with other trips are checked on saved visits.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils.translation import gettext as _

from exchanges import rules
from exchanges.models import PassportCustody, Visit, VisitMember, VisitPlanLine
from exchanges.rules import PASSPORT_RULES, PLAN_LINE_RULES, VISIT_RULES
from exchanges.selectors import MemberFacts, VisitFacts
from foreign_affairs.compliance import BLOCKING, INFO, WARNING, Rule, Source, evaluate, findings
from foreign_affairs.models import add_months
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory

START = date(2025, 10, 1)
LIMIT_CODES = {"visit.group_size", "visit.days", "visit.countries"}


def trip(*, days: int = 5, persons: int = 1, **fields) -> VisitFacts:
    """Return the facts of an official trip to Japan inside the plan, changed by `fields`."""
    values = {
        "pk": None,
        "direction": Visit.Direction.OUTBOUND,
        "status": Visit.Status.DRAFT,
        "trip_kind": "official",
        "destinations": ("JP",),
        "start": START,
        "end": START + timedelta(days=days - 1),
        "members": tuple(MemberFacts(name=f"团员{n}") for n in range(1, persons + 1)),
        "off_plan_reason": "对方临时邀请",
    }
    return VisitFacts(**{**values, **fields})


def found(facts, rule_set=VISIT_RULES) -> dict:
    """Return {code: finding} of the facts."""
    return {finding.code: finding for finding in evaluate(rule_set, facts)}


# --- official trips abroad: persons, days, countries (中办发〔2013〕16号) ---------------------


@pytest.mark.parametrize(("persons", "blocked"), [(6, False), (7, True)])
def test_an_official_group_has_at_most_six_persons(persons, blocked):
    finding = found(trip(persons=persons)).get("visit.group_size")
    assert (finding is not None) == blocked
    if blocked:
        assert finding.severity == BLOCKING
        assert finding.source is rules.GENERAL_TRIPS


def test_without_members_the_group_size_is_the_number_of_persons():
    facts = replace(trip(), members=(), persons=7)
    assert "visit.group_size" in found(facts)


@pytest.mark.parametrize(
    ("destinations", "days", "blocked"),
    [
        (("JP",), 5, False),
        (("JP",), 6, True),
        (("JP", "KR"), 8, False),
        (("JP", "KR"), 9, True),
        (("JP", "KR", "SG"), 10, False),
        (("JP", "KR", "SG"), 11, True),
    ],
)
def test_days_depend_on_the_number_of_countries(destinations, days, blocked):
    finding = found(trip(destinations=destinations, days=days)).get("visit.days")
    assert (finding is not None) == blocked
    if blocked:
        assert finding.severity == BLOCKING


def test_departure_and_arrival_days_both_count():
    assert trip(start=date(2025, 10, 1), end=date(2025, 10, 5)).days == 5


@pytest.mark.parametrize(
    ("destinations", "blocked"), [(("JP", "KR", "SG"), False), (("JP", "KR", "SG", "TH"), True)]
)
def test_at_most_three_countries(destinations, blocked):
    finding = found(trip(destinations=destinations)).get("visit.countries")
    assert (finding is not None) == blocked
    if blocked:
        assert finding.severity == BLOCKING


@pytest.mark.parametrize(("stopovers", "blocked"), [(("SG",), False), (("SG", "TH"), True)])
def test_a_stopover_counts_as_a_place(stopovers, blocked):
    facts = trip(destinations=("JP", "KR"), stopovers=stopovers)
    assert len(facts.counted_places) == 2 + len(stopovers)
    assert ("visit.countries" in found(facts)) == blocked


def test_a_stopover_without_leaving_the_airport_does_not_count():
    facts = trip(destinations=("JP", "KR"), stopovers=("SG", "TH"), stopovers_airport_only=True)
    assert facts.counted_places == ("JP", "KR")
    assert "visit.countries" not in found(facts)


def test_stopover_raises_the_day_limit_with_the_places_counted():
    facts = trip(destinations=("JP", "KR"), stopovers=("SG",), days=10)
    assert "visit.days" not in found(facts)


@pytest.mark.parametrize(
    ("destinations", "days", "blocked"),
    [
        (("BR",), 6, False),
        (("BR",), 7, True),
        (("JP", "KE"), 9, False),
        (("JP", "KE"), 10, True),
        (("BR", "AR", "CL"), 10, False),
        (("BR", "AR", "CL"), 11, True),
    ],
)
def test_latin_america_and_africa_get_one_more_day_for_one_or_two_countries(
    destinations, days, blocked
):
    finding = found(trip(destinations=destinations, days=days)).get("visit.days")
    assert (finding is not None) == blocked


def test_an_academic_trip_is_exempt_from_the_limits_of_official_groups():
    facts = trip(trip_kind="academic", persons=7, days=12, destinations=("JP", "KR", "SG", "TH"))
    codes = found(facts)
    assert not LIMIT_CODES & codes.keys()
    assert codes["visit.academic"].severity == INFO
    assert codes["visit.academic"].source is rules.ACADEMIC_TRIPS


def test_an_official_trip_gets_no_academic_note():
    assert "visit.academic" not in found(trip())


# --- Hong Kong and Macau (中办厅字〔1999〕15号) ------------------------------------------------

PROVINCE = "the provincial foreign affairs office (Hong Kong and Macao affairs)"
STATE_COUNCIL = "the Hong Kong and Macao Affairs Office of the State Council"


@pytest.mark.parametrize(
    ("destinations", "days", "authority"),
    [
        (("HK",), 30, PROVINCE),
        (("HK",), 31, STATE_COUNCIL),
        (("MO",), 30, PROVINCE),
        (("MO",), 31, STATE_COUNCIL),
    ],
)
def test_hong_kong_macau_provincial_approval_up_to_30_days(destinations, days, authority):
    finding = found(trip(destinations=destinations, days=days))["visit.hong_kong_macau"]
    assert finding.severity == INFO
    assert _(authority) in finding.message


@pytest.mark.parametrize(("days", "authority"), [(4, PROVINCE), (5, STATE_COUNCIL)])
def test_hong_kong_macau_limit_comes_from_settings(settings, days, authority):
    settings.VISIT_HK_MACAU_PROVINCIAL_MAX_DAYS = {"hk": 5, "mo": 4}
    finding = found(trip(destinations=("MO",), days=days))["visit.hong_kong_macau"]
    assert _(authority) in finding.message


def test_a_macau_trip_does_not_get_the_rules_of_trips_abroad(settings):
    settings.VISIT_HK_MACAU_PROVINCIAL_MAX_DAYS = {"hk": 5, "mo": 4}
    codes = found(trip(destinations=("MO",), days=5, persons=7))
    assert not LIMIT_CODES & codes.keys()
    assert "visit.hong_kong_macau" in codes


def test_a_trip_abroad_gets_no_hong_kong_macau_note():
    assert "visit.hong_kong_macau" not in found(trip())


# --- the annual plan (教外厅〔2015〕1号) --------------------------------------------------------


def test_a_trip_needs_a_plan_line_or_a_reason():
    finding = found(trip(off_plan_reason=""))["visit.no_plan_line"]
    assert finding.severity == BLOCKING
    assert finding.source is rules.MOE_2015


def test_an_off_plan_trip_with_a_reason_is_a_warning():
    codes = found(trip(off_plan_reason="对方临时邀请"))
    assert codes["visit.off_plan"].severity == WARNING
    assert "对方临时邀请" in codes["visit.off_plan"].message
    assert "visit.no_plan_line" not in codes


def test_a_trip_on_its_plan_line_is_neither_off_plan_nor_wrong_plan():
    line = VisitPlanLine(year=2025, destinations=["JP"], planned_month=10, days=5, persons=3)
    codes = found(trip(plan_line=line, off_plan_reason=""))
    assert not {"visit.no_plan_line", "visit.off_plan", "visit.wrong_plan"} & codes.keys()


def test_a_line_of_the_hong_kong_macau_taiwan_plan_cannot_cover_a_trip_abroad():
    line = VisitPlanLine(year=2025, destinations=["HK"], planned_month=10, days=5, persons=3)
    finding = found(trip(plan_line=line, off_plan_reason=""))["visit.wrong_plan"]
    assert finding.severity == BLOCKING


def test_a_line_of_the_plan_abroad_cannot_cover_a_trip_to_macau():
    line = VisitPlanLine(year=2025, destinations=["JP"], planned_month=10, days=5, persons=3)
    assert "visit.wrong_plan" in found(trip(destinations=("MO",), plan_line=line))


# --- heads of one unit ------------------------------------------------------------------------


def test_two_heads_of_one_unit_do_not_travel_together():
    members = (
        MemberFacts(name="王院长", unit="护理学院", is_unit_head=True),
        MemberFacts(name="李副院长", unit="护理学院", is_unit_head=True),
    )
    finding = found(trip(members=members))["visit.unit_heads_together"]
    assert finding.severity == WARNING
    assert "王院长" in finding.message and "李副院长" in finding.message


def test_heads_of_different_units_may_travel_together():
    members = (
        MemberFacts(name="王院长", unit="护理学院", is_unit_head=True),
        MemberFacts(name="李院长", unit="药学院", is_unit_head=True),
    )
    assert "visit.unit_heads_together" not in found(trip(members=members))


def _member(visit, name, **fields):
    return VisitMember.objects.create(visit=visit, name=name, unit="护理学院", **fields)


def _visit(start: date, days: int = 5, **fields) -> Visit:
    visit = VisitFactory(
        planned_start=start, planned_end=start + timedelta(days=days - 1), **fields
    )
    return visit


def _codes(visit) -> set[str]:
    return {finding.code for finding in findings(visit)}


@pytest.fixture
def dean_abroad(db):
    """The dean of 护理学院 on a submitted trip, 3–7 November 2025."""
    visit = _visit(date(2025, 11, 3), status=Visit.Status.SUBMITTED, destinations=["MY"])
    _member(visit, "王院长", is_main_leader=True, role=VisitMember.Role.LEADER)
    return visit


def _party_secretary_trip(start: date) -> Visit:
    visit = _visit(start, destinations=["JP"])
    _member(visit, "李书记", is_main_leader=True)
    return visit


@pytest.mark.parametrize(
    ("start", "apart"),
    [
        (date(2025, 10, 30), True),  # ends on 3 November, the day the dean leaves
        (date(2025, 11, 7), True),  # leaves on 7 November, the day the dean returns
        (date(2025, 10, 29), False),  # back on 2 November
        (date(2025, 11, 8), False),  # leaves the day after the dean returns
    ],
)
def test_main_leaders_of_one_unit_are_not_abroad_at_the_same_time(dean_abroad, start, apart):
    visit = _party_secretary_trip(start)
    assert ("visit.main_leaders_apart" in _codes(visit)) == apart


def test_main_leaders_apart_names_the_other_trip(dean_abroad):
    visit = _party_secretary_trip(date(2025, 11, 3))
    finding = next(f for f in findings(visit) if f.code == "visit.main_leaders_apart")
    assert "王院长" in finding.message and dean_abroad.title in finding.message
    assert finding.source is rules.MAIN_LEADERS_APART


@pytest.mark.parametrize("status", [Visit.Status.DRAFT, Visit.Status.CANCELLED])
def test_a_draft_or_cancelled_trip_does_not_count_as_abroad(dean_abroad, status):
    Visit.objects.filter(pk=dean_abroad.pk).update(status=status, cancel_reason="疫情")
    visit = _party_secretary_trip(date(2025, 11, 3))
    assert "visit.main_leaders_apart" not in _codes(visit)


def test_main_leaders_apart_can_be_switched_off(dean_abroad, settings):
    settings.VISIT_MAIN_LEADERS_APART = False
    visit = _party_secretary_trip(date(2025, 11, 3))
    assert "visit.main_leaders_apart" not in _codes(visit)


# --- the same leader to the same country within 6 months (河南省 2014) -----------------------

FIRST_TRIP = date(2025, 5, 1)


def _led_by_zhang(
    start: date, status=Visit.Status.DRAFT, destinations=("JP",), name="张主任", head=True
) -> Visit:
    visit = _visit(start, destinations=list(destinations))
    _member(visit, name, role=VisitMember.Role.LEADER, is_unit_head=head)
    Visit.objects.filter(pk=visit.pk).update(status=status)  # a closed visit is read-only
    visit.status = status
    return visit


@pytest.mark.parametrize(
    ("second_start", "again"),
    [
        (add_months(FIRST_TRIP, 5) + timedelta(days=29), True),  # 5 months 29 days later
        (add_months(FIRST_TRIP, 6) + timedelta(days=1), False),  # 6 months and 1 day later
    ],
)
@pytest.mark.django_db
def test_a_leader_does_not_lead_to_the_same_country_within_six_months(second_start, again):
    _led_by_zhang(FIRST_TRIP, status=Visit.Status.CLOSED)
    visit = _led_by_zhang(second_start)
    assert ("visit.led_again" in _codes(visit)) == again


@pytest.mark.django_db
def test_another_head_of_the_same_unit_leading_there_counts_too():
    _led_by_zhang(FIRST_TRIP, status=Visit.Status.CLOSED, name="李副院长")
    assert "visit.led_again" in _codes(_led_by_zhang(date(2025, 7, 1)))


@pytest.mark.django_db
def test_leaders_who_head_no_unit_are_not_concerned():
    # The source speaks of a unit's leadership (领导班子成员): namesakes who lead groups
    # without heading a unit do not trip it.
    _led_by_zhang(FIRST_TRIP, status=Visit.Status.CLOSED, head=False)
    assert "visit.led_again" not in _codes(_led_by_zhang(date(2025, 7, 1), head=False))


@pytest.mark.django_db
def test_leading_to_another_country_is_not_leading_again():
    _led_by_zhang(FIRST_TRIP, status=Visit.Status.CLOSED)
    visit = _led_by_zhang(date(2025, 7, 1), destinations=("KR",))
    assert "visit.led_again" not in _codes(visit)


@pytest.mark.django_db
def test_led_again_is_a_warning_citing_the_provincial_rule():
    _led_by_zhang(FIRST_TRIP, status=Visit.Status.CLOSED)
    finding = next(
        f for f in findings(_led_by_zhang(date(2025, 7, 1))) if f.code == "visit.led_again"
    )
    assert finding.severity == WARNING
    assert finding.source is rules.UNIT_LEADERS
    assert "张主任" in finding.message


# --- travel documents (因公护照申请须知) --------------------------------------------------------

RETURN = date(2025, 11, 7)


def _handed_out(expires_on: date) -> PassportCustody:
    visit = Visit(title="赴日本交流", planned_start=date(2025, 11, 3), planned_end=RETURN)
    return PassportCustody(
        holder="赵老师",
        expires_on=expires_on,
        status=PassportCustody.Status.HANDED_OUT,
        visit=visit,
        handed_out_on=date(2025, 10, 30),
    )


@pytest.mark.parametrize(
    ("expires_on", "short"),
    [
        (add_months(RETURN, 6), False),  # exactly 6 months after the return
        (add_months(RETURN, 6) - timedelta(days=1), True),
    ],
)
def test_a_travel_document_must_be_valid_six_months_after_the_return(expires_on, short):
    passport = _handed_out(expires_on)
    facts = trip(start=date(2025, 11, 3), end=RETURN, passports=(passport,))
    assert ("visit.passport_validity" in found(facts)) == short
    assert ("passport.validity" in found(passport, PASSPORT_RULES)) == short


@pytest.mark.django_db
def test_a_saved_visit_reads_the_documents_handed_out_for_it():
    visit = _visit(
        date(2025, 11, 3), status=Visit.Status.APPROVED, approval_number="粤外批〔2025〕1号"
    )
    PassportCustodyFactory(
        holder="赵老师",
        expires_on=add_months(visit.planned_end, 6) - timedelta(days=1),
        status=PassportCustody.Status.HANDED_OUT,
        visit=visit,
        handed_out_on=date(2025, 10, 30),
    )
    finding = next(f for f in findings(visit) if f.code == "visit.passport_validity")
    assert "赵老师" in finding.message
    assert finding.severity == WARNING


# --- inbound visits -----------------------------------------------------------------------------


def test_inbound_visits_get_no_findings():
    facts = trip(
        direction=Visit.Direction.INBOUND,
        persons=9,
        days=20,
        destinations=("JP", "KR", "SG", "TH"),
        off_plan_reason="",
    )
    assert found(facts) == {}


@pytest.mark.django_db
def test_a_saved_inbound_visit_gets_no_findings():
    visit = VisitFactory(direction=Visit.Direction.INBOUND, off_plan_reason="", persons=20)
    assert findings(visit) == []


# --- the rules as data: sources and effective dates --------------------------------------------

ALL_RULES = VISIT_RULES + PASSPORT_RULES + PLAN_LINE_RULES
SOURCES = {name: value for name, value in vars(rules).items() if isinstance(value, Source)}
# The one rule the school keeps without a public document behind it (says so in its title).
LOCAL_PRACTICE = rules.MAIN_LEADERS_APART


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_rule_has_a_code_a_message_and_a_source(rule):
    assert rule.code.strip()
    assert str(rule.message).strip()
    assert isinstance(rule.source, Source)
    assert rule.source.title.strip()
    assert rule.severity in (BLOCKING, WARNING, INFO)


def test_rule_codes_are_unique():
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))


def test_every_source_of_a_rule_is_declared_in_the_module():
    assert {rule.source for rule in ALL_RULES} <= set(SOURCES.values())


def _source_params():
    return [
        pytest.param(source, id=name)
        for name, source in SOURCES.items()
        if source is not LOCAL_PRACTICE
    ]


@pytest.mark.parametrize("source", _source_params())
def test_every_public_source_has_a_number_or_date_and_a_url(source):
    assert source.number.strip() or source.issued.strip()
    assert source.url.startswith(("http://", "https://"))


def test_the_local_practice_says_it_is_one_and_how_to_switch_it_off():
    assert "惯例" in LOCAL_PRACTICE.title
    assert "VISIT_MAIN_LEADERS_APART" in LOCAL_PRACTICE.quote


def test_a_rule_gives_no_finding_before_its_effective_date():
    rule = Rule(
        "test.new",
        WARNING,
        "新规定",
        rules.GENERAL_TRIPS,
        lambda facts: {},
        effective_from=date(2026, 1, 1),
    )
    assert rule.evaluate(trip(start=date(2025, 12, 31), end=date(2025, 12, 31))) is None
    assert rule.evaluate(trip(start=date(2026, 1, 1), end=date(2026, 1, 1))) is not None


def test_findings_come_blocking_first_and_notes_last():
    facts = trip(trip_kind="academic", off_plan_reason="", destinations=("JP",))
    severities = [finding.severity for finding in evaluate(VISIT_RULES, facts)]
    assert severities == sorted(severities, key=[BLOCKING, WARNING, INFO].index)
    assert severities[0] == BLOCKING and severities[-1] == INFO
