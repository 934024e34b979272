"""The rules of official outbound visits (因公临时出国（境）), as data with their sources.

Each check is a pure function of `VisitFacts` (exchanges/selectors.py): None when the rule
holds, else the values its message names. Numbers come from settings (a province may be
stricter: Sichuan allows 5 persons, for instance). The central documents are not published
in full; each source quotes the wording of a public notice that restates the rule, and names
it (`cited_in`, `url`).
"""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from exchanges import selectors
from exchanges.models import TRAVEL_DOCUMENT, DestinationKind, PassportCustody, Visit, VisitPlanLine
from exchanges.selectors import VisitFacts
from foreign_affairs.compliance import BLOCKING, INFO, WARNING, Rule, Source, register_rules
from foreign_affairs.regions import is_africa_or_latin_america

# --- sources ----------------------------------------------------------------------------------

GENERAL_TRIPS = Source(
    issuer="中共中央办公厅、国务院办公厅",
    title="转发《外交部、中央外办、中央组织部、财政部关于进一步规范省部级以下国家工作人员"
    "因公临时出国的意见》的通知",
    number="中办发〔2013〕16号",
    issued="2013年",
    quote="团组出访人数不得超过6人（含翻译）。出访1国不超过5天，2国不超过8天，3国不超过10天"
    "（均含离、抵我国国境当日）。赴拉美、非洲航班衔接不便国家的团组可增加1天。每次出访最多"
    "不超过3个国家和地区（含经停国家和地区，不出机场的除外）。",
    cited_in="河南师范大学关于报送2020年因公出国（境）计划的通知，2019年11月29日",
    url="https://www.htu.edu.cn/sdxw/list951.htm",
)
ACADEMIC_TRIPS = Source(
    issuer="中共中央办公厅、国务院办公厅",
    title="转发中央组织部、中央外办等部门《关于加强和改进教学科研人员因公临时出国管理工作的"
    "指导意见》的通知",
    number="厅字〔2016〕17号",
    issued="2016年",
    quote="上述教学科研人员出国执行任务需有明确的学术交流合作任务，出国批次数、团组人数、"
    "在外停留天数根据实际需要安排。",
    cited_in="河南师范大学关于报送2020年因公出国（境）计划的通知，2019年11月29日",
    url="https://www.htu.edu.cn/sdxw/list951.htm",
)
MOE_2015 = Source(
    issuer="教育部办公厅",
    title="关于进一步加强因公临时出国（境）管理的通知",
    number="教外厅〔2015〕1号",
    issued="2015年12月7日",
    quote="严格执行因公临时出国（境）计划，总量不得突破年度计划。计划内团组应逐案报批……确有"
    "必要的计划外出国（境）任务，组团单位可在计划出国（境）团组总量不变的情况下进行调整，"
    "但在报批时要专门说明。……同一单位领导班子成员原则上不得同团出访。",
    cited_in="兰州大学化学化工学院通知，2015年11月23日",
    url="http://chem.lzu.edu.cn/index.php?m=content&c=index&a=show&catid=77&id=804",
)
UNIT_LEADERS = Source(
    issuer="中共河南省委办公厅、河南省人民政府办公厅",
    title="转发《省政府外侨办 省委组织部 省财政厅关于进一步规范市厅级以下国家工作人员因公"
    "临时出国（境）的意见》的通知",
    number="",
    issued="2014年",
    quote="同一部门的领导班子成员，不得同团出访，不得同时或6个月内分别率团出访同一国家或地区。",
    cited_in="郑州大学出国（境）管理办法，2014年4月1日",
    url="http://www5.zzu.edu.cn/gjjl/info/1009/2066.htm",
)
HONG_KONG_MACAU = Source(
    issuer="中共中央办公厅",
    title="关于授权地方外办办理因公赴港澳审批、发证和签注的规定",
    number="中办厅字〔1999〕15号",
    issued="1999年",
    quote="国务院港澳事务办公室对因公前往香港和澳门……实行归口管理，授权各省、自治区、直辖市"
    "人民政府外事办公室……负责办理本地区因公赴港澳的审批、发证和签注等工作。在外停留时间"
    "超过30天者，上报国务院港澳事务办公室或省外事办公室审批。",
    cited_in="西安市2000年通知；南京大学因公赴港澳管理规定",
    url="http://www.fymate.net/html/text/lar/167949/16794941.html",
)
PASSPORTS = Source(
    issuer="外交部领事司（中国领事服务网）",
    title="因公护照申请须知",
    number="",
    issued="2018年8月24日（交通运输部国际合作司转载）",
    quote="现持护照有效期不足6个月的，通常须重新申请新照。……出国任务完成后，持照人应在回国后"
    "7日内将护照交回本单位集中保管。",
    cited_in="交通运输部国际合作司外事管理通知",
    url="https://zizhan.mot.gov.cn/sj2019/guojihzs/tongzhigg_gjs/waishigl_tzgg/201808/"
    "t20180824_3063620.html",
)
POST_TRIP_REPORT = Source(
    issuer="河海大学国际合作处",
    title="关于教职工因公出访的注意事项",
    number="",
    issued="2017年10月30日",
    quote="出访团组回国后，……个月内向国际合作处提交出访执行情况和出访报告。逾期不报的单位或"
    "个人，将暂停其出国（境）任务的审核和报批。",
    cited_in="另见浙江大学因公临时出国（境）管理规定第二十条（回国后1个月内）；各校期限为5个"
    "工作日至1个月不等，本系统默认20天，可在设置中修改",
    url="https://gjhzc.hhu.edu.cn/2017/1030/c4854a153300/page.htm",
)
TRAVEL_DOCUMENTS = Source(
    issuer="外交部领事司（中国领事服务网）",
    title="因公护照申请须知",
    number="",
    issued="2018年8月24日（交通运输部国际合作司转载）",
    quote="因公出国人员应通过其所在单位向发照机关申请护照。（赴港澳持因公往来港澳通行证，由省外办、"
    "港澳办统一办理和保管；赴台持《大陆居民往来台湾通行证》及台办批件。）",
    cited_in="交通运输部国际合作司外事管理通知；厦门大学、山东财经大学因公出访须知",
    url=PASSPORTS.url,
)
SEPARATE_PLANS = Source(
    issuer="市属高校（转载）",
    title="关于报送2017年因公出国（境）计划的通知",
    number="",
    issued="2017年",
    quote="计划分为因公出国计划、因公赴港澳计划（指专门前往港澳，不访问其他国家和地区）、因公出国"
    "单列计划、因公赴台交流项目计划四个类别。",
    cited_in="高校因公出国（境）计划通知（转载页面，原发学校未注明）",
    url="https://www.lrkyav9.xyz/xygg/115771.htm",
)
MAIN_LEADERS_APART = Source(
    issuer="",
    title="单位主要负责人不同时出访（本校外事管理惯例）",
    number="",
    issued="",
    quote="未找到公开的上级文件；可在设置 VISIT_MAIN_LEADERS_APART 中关闭。",
)


# --- checks -------------------------------------------------------------------------------------


def _official_abroad(facts: VisitFacts) -> bool:
    return facts.is_outbound and facts.is_official and facts.kind == DestinationKind.FOREIGN


def group_size(facts: VisitFacts):
    limit = settings.VISIT_MAX_PERSONS
    if _official_abroad(facts) and facts.group_size > limit:
        return {"n": facts.group_size, "max": limit}
    return None


def days_allowed(places) -> int | None:
    """Return the days an official trip to these countries/regions (ISO codes, stopovers
    counted) may last, departure and arrival days included (None without places)."""
    count = len(places)
    if not count:
        return None
    limits = settings.VISIT_MAX_DAYS_BY_COUNTRIES
    limit = limits.get(count, max(limits.values()))
    if any(is_africa_or_latin_america(code) for code in places):
        limit += settings.VISIT_REMOTE_EXTRA_DAYS.get(count, 0)
    return limit


def day_limit(facts: VisitFacts) -> int | None:
    return days_allowed(facts.counted_places)


def days_over(facts: VisitFacts):
    limit = day_limit(facts)
    if _official_abroad(facts) and limit and facts.days and facts.days > limit:
        return {"days": facts.days, "n": len(facts.counted_places), "max": limit}
    return None


def too_many_places(facts: VisitFacts):
    limit = settings.VISIT_MAX_COUNTRIES
    if _official_abroad(facts) and len(facts.counted_places) > limit:
        return {"n": len(facts.counted_places), "max": limit}
    return None


def academic_as_needed(facts: VisitFacts):
    if facts.is_outbound and not facts.is_official and facts.kind == DestinationKind.FOREIGN:
        return {}
    return None


def hong_kong_macau_days(facts: VisitFacts):
    if not facts.is_outbound or facts.kind not in (
        DestinationKind.HONG_KONG,
        DestinationKind.MACAU,
    ):
        return None
    place = _("Macau") if facts.kind == DestinationKind.MACAU else _("Hong Kong")
    limit = settings.VISIT_HK_MACAU_PROVINCIAL_MAX_DAYS[facts.kind.value]
    days = facts.days or 0
    if days > limit:
        authority = _("the Hong Kong and Macao Affairs Office of the State Council")
    else:
        authority = _("the provincial foreign affairs office (Hong Kong and Macao affairs)")
    return {"place": place, "days": days, "max": limit, "authority": authority}


def no_plan_line(facts: VisitFacts):
    if facts.is_outbound and facts.plan_line is None and not facts.off_plan_reason:
        return {}
    return None


def off_plan(facts: VisitFacts):
    if facts.is_outbound and facts.plan_line is None and facts.off_plan_reason:
        return {"reason": facts.off_plan_reason}
    return None


def wrong_plan(facts: VisitFacts):
    line = facts.plan_line
    if not (facts.is_outbound and line and facts.destinations):
        return None
    from exchanges.models import plan_kind

    if plan_kind(line.destinations) != facts.plan_kind:
        names = {
            "abroad": _("official trips abroad"),
            "hmt": _("trips to Hong Kong, Macau and Taiwan"),
        }
        return {"plan": names[plan_kind(line.destinations)], "trip": names[facts.plan_kind]}
    return None


def plan_year(facts: VisitFacts):
    line = facts.plan_line
    if facts.is_outbound and line and facts.start and facts.start.year != line.year:
        return {"year": facts.start.year, "plan": line.year}
    return None


def unit_heads_together(facts: VisitFacts):
    if not facts.is_outbound:
        return None
    units: dict[str, list[str]] = {}
    for member in facts.members:
        if member.is_unit_head and member.unit:
            units.setdefault(member.unit, []).append(member.name)
    together = {unit: names for unit, names in units.items() if len(names) > 1}
    if together:
        unit, names = next(iter(together.items()))
        return {"unit": unit, "names": "、".join(names)}
    return None


def main_leaders_abroad(facts: VisitFacts):
    if not (settings.VISIT_MAIN_LEADERS_APART and facts.is_outbound and facts.main_leaders_abroad):
        return None
    other = facts.main_leaders_abroad[0]
    return {"name": other.member.name, "unit": other.member.unit, "visit": other.title}


def led_again(facts: VisitFacts):
    """A head of a unit leads a group to a country where a head of the same unit (or they
    themselves) led one within the window: the source speaks of a unit's leadership."""
    leader = facts.leader
    if not (facts.is_outbound and leader and leader.is_unit_head):
        return None
    places = set(facts.destinations)
    for trip in facts.trips_led_before:
        other = trip.member
        same_unit = bool(leader.unit) and leader.unit == other.unit
        same_person = other.identity == leader.identity
        if other.is_unit_head and (same_unit or same_person) and places & set(trip.destinations):
            return {
                "name": other.name,
                "visit": trip.title,
                "months": settings.VISIT_REPEAT_LEADER_MONTHS,
            }
    return None


def passport_expires_soon(facts: VisitFacts):
    from foreign_affairs.models import add_months

    if not (facts.is_outbound and facts.end):
        return None
    limit = add_months(facts.end, settings.PASSPORT_MIN_VALIDITY_MONTHS)
    short = [p.holder for p in facts.passports if p.expires_on and p.expires_on < limit]
    if short:
        return {"names": "、".join(short), "months": settings.PASSPORT_MIN_VALIDITY_MONTHS}
    return None


def wrong_document(facts: VisitFacts):
    needed = TRAVEL_DOCUMENT[facts.kind]
    wrong = [p.holder for p in facts.passports if p.kind != needed]
    if facts.is_outbound and wrong:
        return {"names": "、".join(wrong), "document": PassportCustody.Kind(needed).label}
    return None


def report_late(facts: VisitFacts):
    from datetime import timedelta

    from django.utils import timezone

    if not (facts.is_outbound and facts.actual_end) or facts.report_submitted_on:
        return None
    due = facts.actual_end + timedelta(days=settings.VISIT_REPORT_DUE_DAYS)
    if timezone.localdate() > due:
        return {"due": date_format(due, "DATE_FORMAT")}
    return None


# --- the rules ----------------------------------------------------------------------------------

VISIT_RULES = (
    Rule(
        "visit.no_plan_line",
        BLOCKING,
        _(
            "Choose the line of the annual plan this trip belongs to, or give the reason why it "
            "is outside the plan."
        ),
        MOE_2015,
        no_plan_line,
    ),
    Rule(
        "visit.wrong_plan",
        BLOCKING,
        _(
            "The plan line belongs to the plan of %(plan)s, but this is one of %(trip)s: they "
            "are separate annual plans."
        ),
        SEPARATE_PLANS,
        wrong_plan,
    ),
    Rule(
        "visit.group_size",
        BLOCKING,
        _(
            "The group has %(n)d persons; an official group may have at most %(max)d, the "
            "interpreter included."
        ),
        GENERAL_TRIPS,
        group_size,
    ),
    Rule(
        "visit.countries",
        BLOCKING,
        _(
            "The trip counts %(n)d countries/regions (stopovers included unless nobody leaves the "
            "airport); at most %(max)d are allowed."
        ),
        GENERAL_TRIPS,
        too_many_places,
    ),
    Rule(
        "visit.days",
        BLOCKING,
        _(
            "The trip lasts %(days)d days (departure and arrival days included) in %(n)d "
            "countries/regions; at most %(max)d are allowed."
        ),
        GENERAL_TRIPS,
        days_over,
    ),
    Rule(
        "visit.off_plan",
        WARNING,
        _(
            "Outside the annual plan: %(reason)s. The request must explain it, and the year's "
            "total of trips may not exceed the plan."
        ),
        MOE_2015,
        off_plan,
    ),
    Rule(
        "visit.plan_year",
        WARNING,
        _("The trip starts in %(year)s but its plan line is of the %(plan)s plan."),
        MOE_2015,
        plan_year,
    ),
    Rule(
        "visit.unit_heads_together",
        WARNING,
        _(
            "%(names)s both belong to the leadership of %(unit)s: members of one unit's "
            "leadership should not travel in the same group."
        ),
        MOE_2015,
        unit_heads_together,
    ),
    Rule(
        "visit.led_again",
        WARNING,
        _(
            "%(name)s led “%(visit)s” to the same country/region within %(months)d months: one "
            "unit's leaders should not lead groups to the same country within that time."
        ),
        UNIT_LEADERS,
        led_again,
    ),
    Rule(
        "visit.main_leaders_apart",
        WARNING,
        _("%(name)s, also a main leader of %(unit)s, is abroad at the same time (“%(visit)s”)."),
        MAIN_LEADERS_APART,
        main_leaders_abroad,
    ),
    Rule(
        "visit.passport_validity",
        WARNING,
        _(
            "The travel document of %(names)s expires less than %(months)d months after the "
            "return: a new one is usually needed."
        ),
        PASSPORTS,
        passport_expires_soon,
    ),
    Rule(
        "visit.travel_document",
        BLOCKING,
        _("%(names)s holds the wrong travel document for this trip; it needs the %(document)s."),
        TRAVEL_DOCUMENTS,
        wrong_document,
    ),
    Rule(
        "visit.report_late",
        WARNING,
        _("The post-trip report was due on %(due)s and has not been filed."),
        POST_TRIP_REPORT,
        report_late,
    ),
    Rule(
        "visit.hong_kong_macau",
        INFO,
        _(
            "%(days)d days in %(place)s (provincial approval up to %(max)d days): approved by "
            "%(authority)s."
        ),
        HONG_KONG_MACAU,
        hong_kong_macau_days,
    ),
    Rule(
        "visit.academic",
        INFO,
        _(
            "Academic exchange of teaching and research staff: batches, persons and days as the "
            "task needs; the limits of official groups do not apply."
        ),
        ACADEMIC_TRIPS,
        academic_as_needed,
    ),
)


def passport_expires_before_return(passport: PassportCustody):
    from foreign_affairs.models import add_months

    visit = passport.visit
    end = visit.end if visit else None
    if passport.status != PassportCustody.Status.HANDED_OUT or not (end and passport.expires_on):
        return None
    if passport.expires_on < add_months(end, settings.PASSPORT_MIN_VALIDITY_MONTHS):
        return {"months": settings.PASSPORT_MIN_VALIDITY_MONTHS, "visit": visit.title}
    return None


def passport_overdue(passport: PassportCustody):
    if passport.is_overdue:
        day = passport.due_back_on
        return {"due": date_format(day, "DATE_FORMAT")}
    return None


PASSPORT_RULES = (
    Rule(
        "passport.overdue",
        WARNING,
        _("Not handed back by %(due)s."),
        PASSPORTS,
        passport_overdue,
    ),
    Rule(
        "passport.validity",
        WARNING,
        _(
            "Expires less than %(months)d months after the return of “%(visit)s”: a new one is "
            "usually needed."
        ),
        PASSPORTS,
        passport_expires_before_return,
    ),
)


def plan_line_persons(line):
    if line.purpose == line.Purpose.OFFICIAL and line.persons > settings.VISIT_MAX_PERSONS:
        from exchanges.models import plan_kind

        if plan_kind(line.destinations) == "abroad":
            return {"n": line.persons, "max": settings.VISIT_MAX_PERSONS}
    return None


def plan_line_days(line):
    from exchanges.models import plan_kind

    places = [str(country.code) for country in line.destinations]
    limit = days_allowed(places)
    official = line.purpose == line.Purpose.OFFICIAL and plan_kind(places) == "abroad"
    if official and limit and line.days > limit:
        return {"days": line.days, "n": len(places), "max": limit}
    return None


PLAN_LINE_RULES = (
    Rule(
        "plan.group_size",
        WARNING,
        _("Planned with %(n)d persons; an official group may have at most %(max)d."),
        GENERAL_TRIPS,
        plan_line_persons,
    ),
    Rule(
        "plan.days",
        WARNING,
        _("Planned for %(days)d days in %(n)d countries/regions; at most %(max)d are allowed."),
        GENERAL_TRIPS,
        plan_line_days,
    ),
)


def _itself(obj):
    return obj


register_rules(
    Visit, VISIT_RULES, facts=selectors.visit_facts, queryset=selectors.visits_for_compliance
)
register_rules(
    PassportCustody,
    PASSPORT_RULES,
    facts=_itself,
    queryset=lambda: PassportCustody.objects.filter(
        status=PassportCustody.Status.HANDED_OUT
    ).select_related("visit"),
)
register_rules(VisitPlanLine, PLAN_LINE_RULES, facts=_itself)
