"""The draft of a year's report: the office's standard sections and, under each, the facts
of that year from the database, written as Chinese paragraphs for the writer to edit."""

from collections import defaultdict
from datetime import date

from exchanges.models import ExchangeProject, Visit
from faculty.models import Incident
from reports import selectors
from reports.statistics import country_name_zh, country_names_zh, zh

# The section titles of the office's report (shared/sample-report-2020.txt).
SUMMARY_SECTIONS = (
    "加强领导建设，统筹协调规定涉外管理",
    "积极探索国际化办学模式",
    "科学规范做好外教管理工作",
    "继续做好对外交流项目，不断提高办学水平与质量",
    "认真规范，做好外事常规工作",
    "重视外事纪律教育，确保外事安全",
    "存在问题",
)
PLAN_SECTIONS = (
    "强化培训，增强部门业务水平",
    "注重学习交流，加强纵向与横向联系",
    "把握机遇，继续开展对外交流项目",
    "积极探索，积累资源开辟新的对外合作项目",
)
PREFACE = (
    "在学校领导全面统筹下，学校外事工作围绕中心工作，认真履行工作职责，"
    "现将{year}年学校外事工作情况汇报如下："
)
PLAN_INTRO = "{year}年，学校外事工作将紧紧围绕学校中心工作，做好以下工作："

INTERACTION_VERBS = {
    "online_meeting": "举行线上会议",
    "correspondence": "函件往来",
    "visit_received": "接待对方来访",
    "visit_paid": "赴对方访问",
    "event": "共同举办活动",
    "other": "开展交流",
}
ENDINGS = tuple("。！？；…")
SERIOUS_INCIDENTS = {Incident.Kind.SAFETY, Incident.Kind.POLITICAL, Incident.Kind.RELIGIOUS}


def _day(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _period(start: date | None, end: date | None) -> str:
    if start and end and start != end:
        return f"{_day(start)}至{_day(end)}"
    return _day(start or end)


def _sentence(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text.endswith(ENDINGS) else f"{text}。"


def _counts(items: list[dict], unit: str) -> str:
    """Return "线上会议3次、邮件/信函1次" for the items that occurred."""
    return "、".join(f"{item['label']}{item['count']}{unit}" for item in items if item["count"])


def _paragraphs(*blocks) -> str:
    lines = []
    for block in blocks:
        lines.extend([block] if isinstance(block, str) else block)
    return "\n\n".join(line for line in lines if line)


def _names(institutions) -> str:
    return "、".join(institution.name_zh for institution in institutions)


def _body_leadership(facts, stats) -> str:
    """Visits: the year's plan against what was done and what was cancelled."""
    year, plan = facts.year, stats["visit_plan"]
    totals, visits = plan["totals"], stats["categories"]["visits"]
    if totals["lines"]:
        summary = (
            f"{year}年度因公出访计划共{totals['lines']}项，计划出访{totals['planned_persons']}"
            f"人次；实际完成计划内出访{totals['completed']}批{totals['actual_persons']}人次，"
            f"取消{totals['cancelled']}批"
        )
        if totals["not_started"]:
            summary += f"，{totals['not_started']}项未执行"
        summary += "。"
    else:
        summary = f"{year}年度未安排因公出访计划。"
    if visits["outbound_off_plan"]:
        summary += f"另完成计划外出访{visits['outbound_off_plan']}批。"
    by_line = defaultdict(list)
    for visit in facts.outbound_visits:
        by_line[visit.plan_line_id].append(visit)
    lines = [_plan_line(line, by_line.pop(line["id"], [])) for line in plan["lines"]]
    # Visits of another year's plan line, or outside the plan, are listed on their own.
    others = [visit for visits_ in by_line.values() for visit in visits_]
    return _paragraphs(summary, lines, [_outbound_visit(visit) for visit in others])


def _plan_line(line: dict, visits: list[Visit]) -> str:
    planned = (
        f"计划{line['month']}月赴{line['destinations']}：{line['description'] or line['purpose']}"
        f"（{line['planned_persons']}人、{line['planned_days']}天）"
    )
    if not visits and line["visits"]:  # its visits are dated in another year
        return f"{planned}，完成{line['completed']}批，取消{line['cancelled']}批。"
    if not visits:
        return f"{planned}，未执行。"
    return f"{planned}，" + "；".join(_visit_outcome(visit) for visit in visits) + "。"


def _visit_outcome(visit: Visit) -> str:
    if visit.status in Visit.DONE_STATUSES:
        when = _period(visit.actual_start or visit.planned_start, visit.actual_end)
        outcome = f"{when}完成出访，{visit.persons}人"
        if visit.report_submitted_on:
            outcome += f"，{_day(visit.report_submitted_on)}提交出访报告"
        return outcome
    when = _period(visit.planned_start, visit.planned_end)
    if visit.status == Visit.Status.CANCELLED:
        return f"已取消（原定{when}），原因：{visit.cancel_reason}"
    return f"原定{when}，{visit.persons}人，目前{zh(visit.get_status_display())}"


def _outbound_visit(visit: Visit) -> str:
    places = country_names_zh(visit.destinations)
    details = "，".join(filter(None, [places, f"{visit.persons}人"]))
    if not visit.plan_line_id:
        details += f"；计划外：{visit.off_plan_reason}"
    return f"{visit.title}（{details}）：{_visit_outcome(visit)}。"


def _body_international(facts, stats) -> str:
    """Partners by country/region, agreements signed, expiring and in force."""
    year, partners = facts.year, stats["partners"]
    agreements = stats["categories"]["agreements"]
    regions = "，".join(
        f"{region['label']}{'地区' if region['key'] == 'hmt' else ''}{region['count']}所"
        f"（{_countries_of(partners, region['key'])}）"
        for region in partners["by_region"]
        if region["count"]
    )
    if partners["total"]:
        overview = (
            f"截至{year}年底，学校共有合作院校（机构）{partners['total']}所，分布在"
            f"{partners['countries']}个国家和地区，其中{regions}。"
        )
        if partners["belt_and_road"]:
            overview += f"“一带一路”沿线国家合作院校（机构）{partners['belt_and_road']}所。"
    else:
        overview = f"截至{year}年底，学校尚无合作院校（机构）。"
    signed = [
        f"{_day(item.signed_on)}，与{item.institution.name_zh}签署《{item.title}》"
        f"（{zh(item.get_kind_display())}）。"
        for item in facts.agreements_signed
    ]
    expiring = [
        f"《{item.title}》（{item.institution.name_zh}）于{_day(item.valid_until)}到期"
        f"（{zh(item.get_renewal_display())}）。"
        for item in facts.agreements_expiring
    ]
    return _paragraphs(
        overview,
        f"本年度签署合作协议（备忘录）{agreements['signed']}份：" if signed else "",
        signed or "本年度未签署新的合作协议。",
        f"本年度到期合作协议{agreements['expiring']}份：" if expiring else "",
        expiring,
        f"截至{year}年底，有效合作协议共{agreements['in_force']}份。",
    )


def _countries_of(partners: dict, region: str) -> str:
    return "、".join(
        f"{row['name']}{row['count']}所"
        for row in partners["by_country"]
        if row["region"] == region
    )


def _body_teachers(facts, stats) -> str:
    """Foreign teachers engaged, by employment, and incidents (the report counts them)."""
    teachers, incidents = stats["categories"]["teachers"], stats["categories"]["incidents"]
    if teachers["total"]:
        counts = _counts(teachers["items"], "名")
        engaged = f"本年度聘请外籍教师{teachers['total']}名（{counts}）："
    else:
        engaged = "本年度未聘请外籍教师。"
    if incidents["total"]:
        happened = (
            f"本年度发生外教合同纠纷、安全、政治、宗教事件{incidents['total']}起"
            f"（{_counts(incidents['items'], '起')}）："
        )
    else:
        happened = "本年度没有发生外教合同纠纷，也没有发生安全、政治、宗教事件。"
    return _paragraphs(
        engaged,
        [_teacher(teacher) for teacher in facts.teachers],
        happened,
        [_incident(incident) for incident in facts.incidents],
    )


def _teacher(teacher) -> str:
    name = f"{teacher.given_name} {teacher.family_name}"
    if teacher.chinese_name:
        name += f"（{teacher.chinese_name}）"
    degree = zh(teacher.get_highest_degree_display())
    if teacher.degree_field:
        degree += f"（{teacher.degree_field}）"
    details = [
        f"{country_name_zh(teacher.nationality.code)}籍" if teacher.nationality else "",
        degree,
        zh(teacher.get_employment_display()),
        "任教" + "，".join(filter(None, [teacher.department, teacher.subjects]))
        if teacher.department or teacher.subjects
        else "",
        f"聘期{_period(teacher.period_start, teacher.period_end)}",
    ]
    return f"{name}：{'，'.join(filter(None, details))}。"


def _incident(incident) -> str:
    text = f"{_day(incident.date)}，{incident.teacher}，{zh(incident.get_kind_display())}："
    text += _sentence(incident.description)
    if incident.resolution:
        text += "处理结果：" + _sentence(incident.resolution)
    return text


def _body_projects(facts, stats) -> str:
    """Projects with their status (and why), participants, interactions, delegations received."""
    categories = stats["categories"]
    projects, participants = categories["projects"], categories["participants"]
    interactions, visits = categories["interactions"], categories["visits"]
    return _paragraphs(
        f"本年度开展对外交流项目{projects['total']}个（{_counts(projects['items'], '个')}）："
        if projects["total"]
        else "本年度未开展对外交流项目。",
        [_project(project) for project in facts.projects],
        _participants(participants),
        f"本年度与合作院校（机构）交流{interactions['total']}次"
        f"（{_counts(interactions['items'], '次')}）："
        if interactions["total"]
        else "",
        [_interaction(item) for item in facts.interactions],
        f"本年度接待境外来访团组{visits['inbound_received']}批{visits['inbound_persons']}人次："
        if visits["inbound_received"]
        else "",
        [_inbound_visit(visit) for visit in facts.inbound_visits],
    )


def _project(project: ExchangeProject) -> str:
    details = [zh(project.get_kind_display())]
    partners = _names(project.partners.all())
    if partners:
        details.append(f"合作方：{partners}")
    if project.lead_department:
        details.append(f"牵头部门：{project.lead_department}")
    status = zh(project.get_status_display())
    if project.status_reason:
        status += f"，原因：{project.status_reason}"
    text = f"{project.name}（{'；'.join(details)}）：{status}。"
    return text + _sentence(project.outcomes)


def _participants(participants: dict) -> str:
    if not participants["total"]:
        return ""
    directions = "，".join(
        f"{d['label']}{d['count']}人（{_counts(d['items'], '人')}）"
        for d in participants["by_direction"]
        if d["count"]
    )
    return f"项目参与人员共{participants['total']}人：{directions}。"


def _interaction(interaction) -> str:
    verb = INTERACTION_VERBS.get(interaction.kind, "开展交流")
    head = f"{_day(interaction.date)}，与{interaction.institution.name_zh}{verb}。"
    return head + _sentence(interaction.summary)


def _inbound_visit(visit: Visit) -> str:
    who = visit.delegation or visit.title
    origin = country_name_zh(visit.nationality.code) if visit.nationality else ""
    details = "，".join(filter(None, [origin, f"{visit.persons}人", visit.host_department]))
    when = _period(visit.actual_start or visit.planned_start, visit.actual_end)
    return f"{when}，接待{who}（{details}）。" + _sentence(visit.purpose)


def _body_routine(facts, stats) -> str:
    """Trainings, submissions to higher authorities, qualification checks of teachers."""
    categories = stats["categories"]
    trainings, submissions = categories["trainings"], categories["submissions"]
    checks = categories["qualification_checks"]
    return _paragraphs(
        f"本年度参加外事培训和纪律教育{trainings['count']}次，共{trainings['hours']:g}学时，"
        f"参训{trainings['attendees']}人次："
        if trainings["count"]
        else "",
        [_training(training) for training in facts.trainings],
        f"本年度向上级部门报送材料{submissions['total']}份"
        f"（{_counts(submissions['items'], '份')}）："
        if submissions["total"]
        else "",
        [
            f"{_day(item.submitted_on)}，向{item.authority}报送《{item.title}》。"
            for item in facts.submissions
        ],
        f"完成外籍教师资格年检和自查{checks['total']}人次（{_counts(checks['items'], '人次')}）。"
        if checks["total"]
        else "",
    )


def _training(training) -> str:
    by = f"{training.organiser}组织的" if training.organiser else ""
    hours = f"{float(training.hours):g}学时，" if training.hours is not None else ""
    details = f"{hours}{training.attendee_count}人参加"
    return f"{_day(training.date)}，参加{by}“{training.title}”（{details}）。"


def _body_discipline(facts, stats) -> str:
    """Confidentiality and discipline education; safety, political and religious incidents."""
    discipline = [t for t in facts.trainings if t.kind == t.Kind.DISCIPLINE]
    serious = [i for i in facts.incidents if i.kind in SERIOUS_INCIDENTS]
    return _paragraphs(
        f"本年度开展外事保密与纪律教育{len(discipline)}次：" if discipline else "",
        [_training(training) for training in discipline],
        f"本年度发生涉及外籍教师的安全、政治、宗教事件{len(serious)}起。"
        if serious
        else "本年度未发生涉及外籍教师的安全、政治、宗教事件。",
    )


def _body_problems(facts, stats) -> str:
    """What did not happen as planned: cancelled visits, suspended or cancelled projects."""
    stopped = [
        f"{project.name}：{zh(project.get_status_display())}，原因：{project.status_reason}。"
        for project in facts.projects
        if project.status in {ExchangeProject.Status.SUSPENDED, ExchangeProject.Status.CANCELLED}
    ]
    cancelled = stats["categories"]["visits"]["outbound_cancelled"]
    return _paragraphs(
        f"本年度取消因公出访{cancelled}批。" if cancelled else "",
        f"暂停或取消的对外交流项目{len(stopped)}个：" if stopped else "",
        stopped,
    )


def _body_plan_training(facts, stats) -> str:
    trainings = stats["categories"]["trainings"]
    if not trainings["count"]:
        return ""
    count, hours = trainings["count"], trainings["hours"]
    return f"{facts.year}年参加外事培训和纪律教育{count}次、共{hours:g}学时。"


def _body_plan_liaison(facts, stats) -> str:
    due = [
        f"{_day(item.due_on)}前向{item.authority}报送《{item.title}》"
        f"{'（已报送）' if item.submitted_on else ''}。"
        for item in facts.submissions_due_next
    ]
    head = f"{facts.year + 1}年需向上级部门报送材料{len(due)}份：" if due else ""
    return _paragraphs(head, due)


def _body_plan_projects(facts, stats) -> str:
    continuing = [
        _project(project)
        for project in facts.projects
        if project.status in {ExchangeProject.Status.ACTIVE, ExchangeProject.Status.SUSPENDED}
    ]
    expiring = [
        f"《{item.title}》（{item.institution.name_zh}）将于{_day(item.valid_until)}到期"
        f"（{zh(item.get_renewal_display())}）。"
        for item in facts.agreements_expiring_next
    ]
    next_year = facts.year + 1
    lines = [
        f"计划{line.planned_month}月赴{country_names_zh(line.destinations)}："
        f"{line.description or zh(line.get_purpose_display())}"
        f"（{line.persons}人、{line.days}天）。"
        for line in facts.next_plan_lines
    ]
    return _paragraphs(
        "继续开展的对外交流项目：" if continuing else "",
        continuing,
        f"{next_year}年到期的合作协议{len(expiring)}份：" if expiring else "",
        expiring,
        f"{next_year}年度因公出访计划{len(lines)}项：" if lines else "",
        lines,
    )


def _body_plan_new(facts, stats) -> str:
    planned = [
        project
        for project in [*facts.projects, *facts.projects_planned]
        if project.status in selectors.PLANNED_PROJECT_STATUSES
    ]
    return _paragraphs(
        "筹备中的对外合作项目：" if planned else "",
        [
            _project(project) + (f"计划{_day(project.start_on)}启动。" if project.start_on else "")
            for project in planned
        ],
        "正在商谈的合作协议：" if facts.agreements_negotiating else "",
        [f"《{a.title}》（{a.institution.name_zh}）。" for a in facts.agreements_negotiating],
        "洽谈中的合作院校（机构）：" + _prospects(facts.prospects) if facts.prospects else "",
    )


def _prospects(institutions) -> str:
    return (
        "、".join(
            f"{institution.name_zh}（{country_name_zh(institution.country.code)}）"
            for institution in institutions
        )
        + "。"
    )


SUMMARY_BODIES = (
    _body_leadership,
    _body_international,
    _body_teachers,
    _body_projects,
    _body_routine,
    _body_discipline,
    _body_problems,
)
PLAN_BODIES = (_body_plan_training, _body_plan_liaison, _body_plan_projects, _body_plan_new)
