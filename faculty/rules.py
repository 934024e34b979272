"""A teacher's legal status (外籍教师合法聘用), as rules with their sources, and its checklist.

Each check is a pure function of `TeacherFacts` (faculty/selectors.py), read as of a day:
None when the rule holds, else the values its message names. Blocking findings show red,
warnings amber; an item of `CHECKLIST` without findings is green. Residents of Hong Kong,
Macau and Taiwan (港澳台教师) are not foreign workers: only their own items apply to them.
Numbers come from settings. The central documents are rarely published in full: each source
quotes a public page that restates the rule and names it (`cited_in`, `url`); a number (文号)
that no page showed is left empty and said so in the quote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from faculty.models import BACHELOR_OR_ABOVE, ForeignTeacher, IdentityDocument
from faculty.selectors import TeacherFacts, teacher_facts, teachers_for_compliance
from foreign_affairs.compliance import (
    BLOCKING,
    WARNING,
    Finding,
    Rule,
    Source,
    evaluate,
    register_rules,
)
from foreign_affairs.models import add_months

Kind = IdentityDocument.Kind

# --- sources ----------------------------------------------------------------------------------

WORK_PERMIT_LAW = Source(
    issuer="全国人民代表大会常务委员会",
    title="中华人民共和国出境入境管理法（第四十一条）",
    number="",
    issued="2012年6月30日通过",
    quote="外国人在中国境内工作，应当按照规定取得工作许可和工作类居留证件。任何单位和个人不得"
    "聘用未取得工作许可和工作类居留证件的外国人。（法律的主席令文号未在所查页面中找到。）",
    cited_in="国家外国专家局《外国人来华工作许可服务指南（暂行）》“审批依据”，2017年3月29日发布",
    url="https://www.cap.edu.cn/gjjyxy/info/1371/2711.htm",
)
RESIDENCE_EXTENSION = Source(
    issuer="全国人民代表大会常务委员会",
    title="中华人民共和国出境入境管理法（第三十二条）",
    number="",
    issued="2012年6月30日通过",
    quote="在中国境内居留的外国人申请延长居留期限的，应当在居留证件有效期限届满30日前向居留地"
    "县级以上地方人民政府公安机关出入境管理机构提出申请。（本校提前至届满45日前办理，见设置 "
    "PERMIT_EXTENSION_OFFICE_DAYS；该提前量未找到上级文件。）",
    cited_in="深圳市政府英文门户 Eyeshenzhen《Validity Period of Residence Permit》，2024年7月22日",
    url="http://www.eyeshenzhen.com/content/2024-07/22/content_31097788.htm",
)
SERVICE_GUIDE = Source(
    issuer="国家外国专家局",
    title="外国人来华工作许可服务指南（暂行）",
    number="外专发〔2017〕36号",
    issued="2017年3月29日",
    quote="体检证明……签发时间均在6个月内。最高学位（学历）证书……应经我驻外使、领馆或由申请人"
    "获得学位（学历）所在国驻华使、领馆或我国学历认证机构认证。无犯罪记录证明……应经我驻外使、"
    "领馆认证或外国驻华使、领馆认证……签发时间应在6个月内。",
    cited_in="长江大学《外国文教类语言教师申请〈外国人来华工作许可通知〉材料清单》，2018年9月21日"
    "（文号见福建省外专局闽人外专〔2017〕17号转发文）",
    url="https://hzjl.yangtzeu.edu.cn/info/1063/2937.htm",
)
CLASSIFICATION = Source(
    issuer="国家外国专家局",
    title="外国人来华工作分类标准（试行）",
    number="",
    issued="2017年",
    quote="外国专业人才（B类）……应当不超过60周岁，具有学士及以上学位和2年及以上相关工作经历；"
    "确有需要的，可适当放宽年龄、学位或工作经历等限制。……外国语言教学人员原则上应从事其母语国"
    "母语教学，并取得母语国大学学士及以上学位且具有2年以上语言教育工作经历。其中，取得教育类、"
    "语言类或师范类学士及以上学位的，或取得所在国教师资格证书或取得符合要求的国际语言TEFL证书"
    "的，可免除工作经历要求。（国际语言教学证书培训课时需达到120小时以上。本标准的文号未在所查"
    "页面中找到。）",
    cited_in="中融浩（深圳）商务咨询转载；120课时见寰东投资《哪些外国人符合申请B类工作签证》，"
    "2024年7月23日",
    url="http://chinavisas.cn/Visa/Details/3",
)
NATIVE_COUNTRIES = Source(
    issuer="国家外国专家局",
    title="外国人来华工作许可常见问题解答",
    number="",
    issued="2017年4月",
    quote="以英语为母语或第一语言的国家和地区有澳大利亚、加拿大、新西兰、新加坡、南非、英国、"
    "美国等。（问答无文号；原问答页面未找到，据转述。名单以“等”结尾，可在设置 "
    "NATIVE_LANGUAGE_COUNTRIES 中补充。）",
    cited_in="中国签证网《外籍教师在国际学校从事外语教学的申请条件》",
    url="https://cnvisa.org.cn/chinese-guidelines/work-permit/6053.html",
)
CHANGES = Source(
    issuer="全国人民代表大会常务委员会；国家外国专家局",
    title="中华人民共和国出境入境管理法（第三十三条）；外国人来华工作许可变更",
    number="",
    issued="2012年6月30日通过",
    quote="外国人居留证件登记事项发生变更的，持证件人应当自登记事项发生变更之日起10日内……申请"
    "办理变更。申请人个人信息（姓名、护照号、职务、类别）等事项发生变更的，应当自变更事项发生之"
    "日起10日内提交来华工作许可网上申请。",
    cited_in="深圳职业技术大学国际交流处《工作许可证和居留许可变更》；Eyeshenzhen，2024年7月22日",
    url="https://fao.szpt.edu.cn/wjjs/sxbl/gzxkzhjlxkbg.htm",
)
HMT_EMPLOYMENT = Source(
    issuer="国务院；人力资源社会保障部",
    title="国务院关于取消一批行政许可等事项的决定；人力资源社会保障部关于香港澳门台湾居民在内地"
    "（大陆）就业有关事项的通知",
    number="国发〔2018〕28号",
    issued="2018年7月28日；2018年8月23日",
    quote="取消台港澳人员在内地就业许可。在内地（大陆）求职、就业的港澳台人员，可使用港澳台居民"
    "居住证、港澳居民来往内地通行证、台湾居民来往大陆通行证等有效身份证件办理人力资源社会保障各项"
    "业务。（人社部通知的文号未在所查页面中找到。）",
    cited_in="三湘统战网转载中国政府网，2018年8月7日；人社部通知全文见 hzldzy.com/detail-2929.html",
    url="https://www.hnswtzb.org/content/2018/08/07/6285448.html",
)

# Countries whose native (or first) language is the language, by language; the only list the
# sources give is SAFEA's for English. Settings may add languages or countries.
NATIVE_LANGUAGE_COUNTRIES = {"en": ("AU", "CA", "NZ", "SG", "ZA", "GB", "US")}
LANGUAGE_NAMES = {"en": ("english", "英语", "英文", "en")}
LANGUAGE_LABELS = {"en": _("English")}

CHANGE_FILING_DAYS = 10


def _day(day) -> str:
    return date_format(day, "DATE_FORMAT")


def native_language_countries() -> dict[str, tuple[str, ...]]:
    return getattr(settings, "NATIVE_LANGUAGE_COUNTRIES", NATIVE_LANGUAGE_COUNTRIES)


def language_key(name: str) -> str:
    """Return the key of a language named in English or Chinese ("English", "英语" -> "en")."""
    name = name.strip().lower()
    return next((key for key, names in LANGUAGE_NAMES.items() if name in names), name)


# --- checks -------------------------------------------------------------------------------------


def _foreign(facts: TeacherFacts) -> bool:
    return facts.is_active and not facts.is_hmt


def _permit_checks(kind: str) -> dict[str, Callable]:
    """Return the checks of a permit: missing, expired, extension due, needed before work."""

    def missing(facts):
        if _foreign(facts) and facts.is_employed and facts.current(kind) is None:
            return {}
        return None

    def expired(facts):
        permit = facts.current(kind)
        if _foreign(facts) and facts.is_employed and permit and not permit.covers(facts.today):
            return {"date": _day(permit.expires_on)}
        return None

    def extension_due(facts):
        permit = facts.current(kind)
        if not (_foreign(facts) and permit and permit.expires_on and permit.covers(facts.today)):
            return None
        office = permit.expires_on - timedelta(days=settings.PERMIT_EXTENSION_OFFICE_DAYS)
        due = permit.expires_on - timedelta(days=30)
        if facts.today < office or facts.today > due:  # not yet, or late (extension_late)
            return None
        return {"expires": _day(permit.expires_on), "due": _day(due), "office": _day(office)}

    def extension_late(facts):
        permit = facts.current(kind)
        if not (_foreign(facts) and permit and permit.expires_on and permit.covers(facts.today)):
            return None
        due = permit.expires_on - timedelta(days=30)
        if facts.today > due:
            return {"expires": _day(permit.expires_on), "due": _day(due)}
        return None

    def needed(facts):
        permit = facts.current(kind)
        valid = permit is not None and permit.covers(facts.today)
        if _foreign(facts) and not facts.is_employed and not valid:
            return {}
        return None

    return {
        "missing": missing,
        "expired": expired,
        "extension": extension_due,
        "extension_late": extension_late,
        "needed": needed,
    }


WORK_PERMIT = _permit_checks(Kind.WORK_PERMIT)
RESIDENCE_PERMIT = _permit_checks(Kind.RESIDENCE_PERMIT)


def _missing(kind: str):
    def check(facts):
        if _foreign(facts) and facts.current(kind) is None:
            return {}
        return None

    return check


def health_certificate_too_old(facts: TeacherFacts):
    applied = facts.application_date
    certificate = facts.latest_issued(Kind.HEALTH_CERTIFICATE, by=applied)
    if not (_foreign(facts) and certificate and certificate.issued_on):
        return None
    months = settings.HEALTH_CERTIFICATE_VALID_MONTHS
    if add_months(certificate.issued_on, months) < applied:
        return {"issued": _day(certificate.issued_on), "months": months, "applied": _day(applied)}
    return None


def health_certificate_missing(facts: TeacherFacts):
    applied = facts.application_date
    if _foreign(facts) and facts.latest_issued(Kind.HEALTH_CERTIFICATE, by=applied) is None:
        return {"applied": _day(applied)}
    return None


def _class_b(facts: TeacherFacts) -> bool:
    """Class B rules apply to a class B permit, and to a teacher without one yet (the usual
    class of a foreign teacher)."""
    return _foreign(facts) and facts.permit_class in ("B", "")


def no_bachelor(facts: TeacherFacts):
    if _class_b(facts) and facts.highest_degree not in BACHELOR_OR_ABOVE:
        degree = ForeignTeacher.Degree(facts.highest_degree).label
        return {"degree": degree}
    return None


def waiver_refused(facts: TeacherFacts) -> str | None:
    """Return why the language teachers' experience waiver does not apply (None: it does)."""
    if not facts.teaches_native_language:
        return str(_("the teacher does not teach their native language"))
    key = language_key(facts.native_language)
    countries = native_language_countries().get(key)
    language = LANGUAGE_LABELS.get(key, facts.native_language or "?")
    if countries is None:
        return str(_("no sourced list of the countries whose native language is %(language)s")) % {
            "language": language
        }
    if facts.nationality not in countries:
        return str(
            _(
                "%(country)s is not on the cited list of countries whose native language "
                "is %(language)s (settings can add it)"
            )
        ) % {"country": Country(facts.nationality).name, "language": language}
    if not (
        facts.degree_in_education_or_language
        or facts.has_teaching_licence
        or facts.has_tefl_certificate
    ):
        return str(
            _(
                "no education, language or teacher-training degree, home-country teaching "
                "licence or TEFL/TESOL/CELTA certificate (120 hours)"
            )
        )
    return None


def too_little_experience(facts: TeacherFacts):
    if not _class_b(facts) or facts.years_experience >= 2:
        return None
    refused = waiver_refused(facts)
    if refused is None:
        return None
    return {"years": facts.years_experience, "why": refused}


def _over_age(facts: TeacherFacts) -> bool:
    limit = settings.TEACHER_GUARANTEE_AGE
    return _class_b(facts) and facts.age is not None and facts.age > limit


def over_age(facts: TeacherFacts):
    if _over_age(facts) and not facts.has_guarantee_letter:
        return {"age": facts.age, "limit": settings.TEACHER_GUARANTEE_AGE}
    return None


def over_age_relaxed(facts: TeacherFacts):
    if _over_age(facts) and facts.has_guarantee_letter:
        return {"age": facts.age, "limit": settings.TEACHER_GUARANTEE_AGE}
    return None


def birth_date_unknown(facts: TeacherFacts):
    return {} if _class_b(facts) and facts.date_of_birth is None else None


def _unfiled_changes(facts: TeacherFacts, *, late: bool):
    if not _foreign(facts):
        return None
    for change in facts.changes:
        due = change.changed_on + timedelta(days=CHANGE_FILING_DAYS)
        if change.filed_on is None and (facts.today > due) == late:
            return {"change": change.label, "date": _day(change.changed_on), "due": _day(due)}
    return None


def change_late(facts: TeacherFacts):
    return _unfiled_changes(facts, late=True)


def change_due(facts: TeacherFacts):
    return _unfiled_changes(facts, late=False)


HMT_DOCUMENTS = (Kind.MAINLAND_TRAVEL_PERMIT, Kind.HMT_RESIDENCE_PERMIT)


def hmt_document_missing(facts: TeacherFacts):
    if not (facts.is_active and facts.is_hmt):
        return None
    document = facts.current(*HMT_DOCUMENTS)
    if document is None:
        return {}
    return None if document.covers(facts.today) else {}


# --- the rules ----------------------------------------------------------------------------------

TEACHER_RULES = (
    Rule(
        "teacher.work_permit.missing",
        BLOCKING,
        _("No work permit (外国人工作许可证) is recorded: an employed teacher must hold one."),
        WORK_PERMIT_LAW,
        WORK_PERMIT["missing"],
    ),
    Rule(
        "teacher.work_permit.expired",
        BLOCKING,
        _("The work permit expired on %(date)s: the teacher may not work until it is renewed."),
        WORK_PERMIT_LAW,
        WORK_PERMIT["expired"],
    ),
    Rule(
        "teacher.work_permit.extension",
        WARNING,
        _(
            "The work permit expires on %(expires)s: apply for the extension by %(due)s (30 days "
            "before); the office's deadline is %(office)s."
        ),
        RESIDENCE_EXTENSION,
        WORK_PERMIT["extension"],
    ),
    Rule(
        "teacher.work_permit.extension_late",
        BLOCKING,
        _(
            "The work permit expires on %(expires)s: the extension was due by %(due)s "
            "(30 days before) and is late."
        ),
        RESIDENCE_EXTENSION,
        WORK_PERMIT["extension_late"],
    ),
    Rule(
        "teacher.work_permit.needed",
        WARNING,
        _("No valid work permit yet: it is needed before the teacher starts work."),
        WORK_PERMIT_LAW,
        WORK_PERMIT["needed"],
    ),
    Rule(
        "teacher.residence_permit.missing",
        BLOCKING,
        _("No work-type residence permit (居留许可) is recorded: an employed teacher needs one."),
        WORK_PERMIT_LAW,
        RESIDENCE_PERMIT["missing"],
    ),
    Rule(
        "teacher.residence_permit.expired",
        BLOCKING,
        _("The residence permit expired on %(date)s: the teacher may not work or stay on it."),
        WORK_PERMIT_LAW,
        RESIDENCE_PERMIT["expired"],
    ),
    Rule(
        "teacher.residence_permit.extension",
        WARNING,
        _(
            "The residence permit expires on %(expires)s: apply for the extension by %(due)s "
            "(30 days before); the office's deadline is %(office)s."
        ),
        RESIDENCE_EXTENSION,
        RESIDENCE_PERMIT["extension"],
    ),
    Rule(
        "teacher.residence_permit.extension_late",
        BLOCKING,
        _(
            "The residence permit expires on %(expires)s: the extension was due by %(due)s "
            "(30 days before) and is late."
        ),
        RESIDENCE_EXTENSION,
        RESIDENCE_PERMIT["extension_late"],
    ),
    Rule(
        "teacher.residence_permit.needed",
        WARNING,
        _("No valid work-type residence permit yet: it is needed before the teacher starts work."),
        WORK_PERMIT_LAW,
        RESIDENCE_PERMIT["needed"],
    ),
    Rule(
        "teacher.health_certificate.missing",
        BLOCKING,
        _("No health certificate issued before the work permit application (%(applied)s)."),
        SERVICE_GUIDE,
        health_certificate_missing,
    ),
    Rule(
        "teacher.health_certificate.too_old",
        BLOCKING,
        _(
            "The health certificate of %(issued)s was more than %(months)d months old on "
            "%(applied)s, when the work permit was applied for."
        ),
        SERVICE_GUIDE,
        health_certificate_too_old,
    ),
    Rule(
        "teacher.criminal_record.missing",
        BLOCKING,
        _("No criminal-record certificate is recorded."),
        SERVICE_GUIDE,
        _missing(Kind.CRIMINAL_RECORD),
    ),
    Rule(
        "teacher.degree_certification.missing",
        BLOCKING,
        _("No certification of the highest degree is recorded."),
        SERVICE_GUIDE,
        _missing(Kind.DEGREE_CERTIFICATION),
    ),
    Rule(
        "teacher.class_b.degree",
        BLOCKING,
        _("Class B needs a bachelor's degree or above; the teacher's highest is: %(degree)s."),
        CLASSIFICATION,
        no_bachelor,
    ),
    Rule(
        "teacher.class_b.experience",
        BLOCKING,
        _(
            "Class B needs 2 years of relevant experience, the teacher has %(years)d; the "
            "language teachers' waiver does not apply: %(why)s."
        ),
        CLASSIFICATION,
        too_little_experience,
    ),
    Rule(
        "teacher.age.limit",
        BLOCKING,
        _("%(age)d years old: over the class B age limit of %(limit)d."),
        CLASSIFICATION,
        over_age,
    ),
    Rule(
        "teacher.age.relaxed",
        WARNING,
        _(
            "%(age)d years old: over the class B age limit of %(limit)d, relaxed only where "
            "really needed (a guarantee letter is on file)."
        ),
        CLASSIFICATION,
        over_age_relaxed,
    ),
    Rule(
        "teacher.age.birth_date",
        WARNING,
        _("The date of birth is not recorded: the class B age limit cannot be checked."),
        CLASSIFICATION,
        birth_date_unknown,
    ),
    Rule(
        "teacher.change.late",
        BLOCKING,
        _("%(change)s of %(date)s not filed: it was due by %(due)s."),
        CHANGES,
        change_late,
    ),
    Rule(
        "teacher.change.due",
        WARNING,
        _("%(change)s of %(date)s: file it by %(due)s."),
        CHANGES,
        change_due,
    ),
    Rule(
        "teacher.hmt.document",
        BLOCKING,
        _(
            "No valid mainland travel permit (港澳居民来往内地通行证/台湾居民来往大陆通行证) or "
            "residence permit for Hong Kong, Macau and Taiwan residents is recorded."
        ),
        HMT_EMPLOYMENT,
        hmt_document_missing,
    ),
)


# --- the checklist --------------------------------------------------------------------------

OK, NOT_APPLICABLE = "ok", "na"
STATE_ORDER = {BLOCKING: 0, WARNING: 1, OK: 2, NOT_APPLICABLE: 3}
STATE_LABELS = {
    BLOCKING: _("not in order"),
    WARNING: _("action due"),
    OK: _("in order"),
    NOT_APPLICABLE: _("not applicable"),
}
STATE_CSS = {
    BLOCKING: "text-bg-danger",
    WARNING: "text-bg-warning",
    OK: "text-bg-success",
    NOT_APPLICABLE: "text-bg-secondary",
}


@dataclass(frozen=True)
class Item:
    """One line of a teacher's checklist: which rules it groups and whom it concerns."""

    code: str
    name: str
    source: Source
    applies: Callable[[TeacherFacts], bool] = _foreign
    hmt: bool = False


CHECKLIST = (
    Item("work_permit", _("Work permit (class A/B/C) valid"), WORK_PERMIT_LAW),
    Item("residence_permit", _("Work-type residence permit valid"), WORK_PERMIT_LAW),
    Item("health_certificate", _("Health certificate not older than 6 months"), SERVICE_GUIDE),
    Item("criminal_record", _("Criminal-record certificate"), SERVICE_GUIDE),
    Item("degree_certification", _("Degree certification"), SERVICE_GUIDE),
    Item("class_b", _("Class B: degree and experience (or waiver)"), CLASSIFICATION, _class_b),
    Item("age", _("Class B: age limit"), CLASSIFICATION, _class_b),
    Item("change", _("Changes filed within 10 days"), CHANGES),
    Item(
        "hmt",
        _("Mainland travel permit or residence permit"),
        HMT_EMPLOYMENT,
        lambda facts: facts.is_active and facts.is_hmt,
        hmt=True,
    ),
)


def _item_code(finding: Finding) -> str:
    """Return the checklist item of a finding: teacher.age.limit -> age."""
    return finding.code.split(".")[1]


@dataclass(frozen=True)
class ChecklistLine:
    item: Item
    state: str
    findings: tuple[Finding, ...] = ()

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css(self) -> str:
        return STATE_CSS[self.state]

    @property
    def source(self) -> Source:
        return self.findings[0].source if self.findings else self.item.source

    @property
    def reason(self) -> str:
        if self.findings:
            return " ".join(finding.message for finding in self.findings)
        return str(_("Not applicable.") if self.state == NOT_APPLICABLE else _("In order."))


@dataclass(frozen=True)
class Checklist:
    lines: tuple[ChecklistLine, ...]

    @property
    def worst(self) -> str:
        return min((line.state for line in self.lines), key=STATE_ORDER.get, default=OK)

    @property
    def worst_label(self) -> str:
        return str(STATE_LABELS[self.worst])

    @property
    def worst_css(self) -> str:
        return STATE_CSS[self.worst]

    @property
    def open_count(self) -> int:
        return sum(line.state in (BLOCKING, WARNING) for line in self.lines)


def checklist_of(facts: TeacherFacts) -> Checklist:
    """Return every item of the teacher's category with its state and the findings behind it."""
    found: dict[str, list[Finding]] = {}
    for finding in evaluate(TEACHER_RULES, facts):
        found.setdefault(_item_code(finding), []).append(finding)
    lines = []
    for item in CHECKLIST:
        if item.hmt != facts.is_hmt:
            continue
        findings = tuple(found.get(item.code, ()))
        if findings:
            state = findings[0].severity  # evaluate() sorts blocking first
        else:
            state = OK if item.applies(facts) else NOT_APPLICABLE
        lines.append(ChecklistLine(item, state, findings))
    return Checklist(tuple(lines))


def teacher_checklist(teacher: ForeignTeacher, *, on=None) -> Checklist:
    """Return the checklist of `teacher` as of `on` (default today)."""
    return checklist_of(teacher_facts(teacher, on=on))


register_rules(ForeignTeacher, TEACHER_RULES, facts=teacher_facts, queryset=teachers_for_compliance)
