"""The statistics block of the yearly report: counts by category, by country/region, plan vs actual.

`report_statistics(year)` reads the database in a fixed number of queries (aggregates and
grouped counts, never a query per row) and returns plain JSON data with its Chinese labels
already resolved, so the snapshot frozen into `AnnualReport.statistics` at approval renders
exactly the same years later. `statistics_tables()` and `statistics_charts()` turn either a
live or a frozen snapshot into what the report page and the PDF show.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_countries.fields import Country

from exchanges.models import ExchangeProject, Participant, Visit
from faculty.models import ForeignTeacher, Incident, QualificationCheck
from foreign_affairs.charts import bar_chart
from foreign_affairs.regions import (
    RegionKind,
    is_belt_and_road,
    is_greater_bay_area,
    region_kind,
    region_sources,
)
from partners.models import Agreement, Interaction
from reports import selectors
from reports.models import Submission, Training

STATISTICS_VERSION = 1

# Official Chinese documents name these regions so, whatever a country list says.
HMT_NAMES = {"HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾"}
REGION_ORDER = (RegionKind.FOREIGN, RegionKind.HMT, RegionKind.MAINLAND)
PARTICIPANT_DIRECTIONS = {
    Participant.Direction.OUTBOUND: "派出",
    Participant.Direction.INBOUND: "来校",
}


def zh(label) -> str:
    """Return a (lazy) label in Chinese: the statistics are document content."""
    with translation.override("zh-hans"):
        return str(label)


def country_name_zh(code: str) -> str:
    """Return the Chinese name of an ISO 3166 code; HK/MO/TW as 中国香港/中国澳门/中国台湾."""
    code = (code or "").upper()
    if not code:
        return ""
    return HMT_NAMES.get(code) or zh(Country(code).name)


def country_names_zh(countries) -> str:
    """Return the Chinese names of several countries/regions, joined with 、."""
    return "、".join(country_name_zh(getattr(c, "code", c)) for c in countries)


# --- computing ------------------------------------------------------------------------------


def report_statistics(year: int) -> dict:
    """Return the statistics of `year` as JSON-serialisable data, in a fixed number of queries."""
    categories = _categories(year)
    return {
        "version": STATISTICS_VERSION,
        "year": year,
        "categories": categories,
        "partners": _partners(year),
        "visit_plan": _visit_plan(year, off_plan=categories["visits"]["outbound_off_plan"]),
    }


def _counted(queryset: QuerySet, field: str, choices) -> dict:
    """Return {"total", "items": [{"key", "label", "count"}]}: one grouped query, every choice."""
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    items = [
        {"key": key, "label": zh(label), "count": counts.pop(key, 0)} for key, label in choices
    ]
    items += [{"key": key, "label": key, "count": n} for key, n in counts.items()]
    return {"total": sum(item["count"] for item in items), "items": items}


def _categories(year: int) -> dict:
    teachers, hmt_teachers = _teachers(year)
    return {
        "interactions": _counted(
            selectors.interactions_of_year(year), "kind", Interaction.Kind.choices
        ),
        "agreements": _agreements(year),
        "teachers": teachers,
        "hmt_teachers": hmt_teachers,
        "qualification_checks": _counted(
            selectors.qualification_checks_of_year(year),
            "result",
            QualificationCheck.Result.choices,
        ),
        "incidents": _counted(selectors.incidents_of_year(year), "kind", Incident.Kind.choices),
        "projects": _counted(
            selectors.projects_of_year(year), "status", ExchangeProject.Status.choices
        ),
        "participants": _participants(year),
        "visits": _visits(year),
        "trainings": _trainings(year),
        "submissions": _counted(
            selectors.submissions_made_in(year), "kind", Submission.Kind.choices
        ),
    }


def _teachers(year: int) -> tuple[dict, dict]:
    """Return the teachers engaged in `year` by employment: foreign ones, and those of Hong Kong,
    Macau and Taiwan (港澳台教师, not foreign) apart; one grouped query."""
    rows = (
        selectors.teachers_engaged_in(year)
        .order_by()
        .values_list("nationality", "employment")
        .annotate(n=Count("pk"))
    )
    counts = {RegionKind.FOREIGN: Counter(), RegionKind.HMT: Counter()}
    for nationality, employment, n in rows:
        hmt = region_kind(nationality) == RegionKind.HMT
        counts[RegionKind.HMT if hmt else RegionKind.FOREIGN][employment] += n
    return tuple(_employment_block(counts[kind]) for kind in (RegionKind.FOREIGN, RegionKind.HMT))


def _employment_block(counts: Counter) -> dict:
    items = [
        {"key": key, "label": zh(label), "count": counts[key]}
        for key, label in ForeignTeacher.Employment.choices
    ]
    return {"total": sum(item["count"] for item in items), "items": items}


def _agreements(year: int) -> dict:
    return Agreement.objects.aggregate(
        signed=Count("pk", filter=selectors.in_year("signed_on", year)),
        expiring=Count("pk", filter=selectors.agreement_expiring_q(year)),
        in_force=Count("pk", filter=selectors.agreement_in_force_at_end_q(year)),
    )


def _participants(year: int) -> dict:
    rows = (
        selectors.participants_of_year(year)
        .order_by()
        .values_list("direction", "status")
        .annotate(n=Count("pk"))
    )
    counts = {(direction, status): n for direction, status, n in rows}
    directions = []
    for direction, label in PARTICIPANT_DIRECTIONS.items():
        statuses = [
            {"key": key, "label": zh(status), "count": counts.get((direction, key), 0)}
            for key, status in Participant.Status.choices
        ]
        total = sum(item["count"] for item in statuses)
        directions.append({"key": direction, "label": label, "count": total, "items": statuses})
    return {"total": sum(d["count"] for d in directions), "by_direction": directions}


def _visits(year: int) -> dict:
    outbound = Q(direction=Visit.Direction.OUTBOUND)
    completed = outbound & Q(status__in=Visit.DONE_STATUSES)
    cancelled = outbound & Q(status=Visit.Status.CANCELLED)
    received = selectors.visit_received_q()
    totals = selectors.visits_of_year(year).aggregate(
        outbound_completed=Count("pk", filter=completed),
        outbound_completed_persons=Sum("persons", filter=completed, default=0),
        outbound_cancelled=Count("pk", filter=cancelled),
        outbound_pending=Count(
            "pk", filter=outbound & ~Q(status__in=[*Visit.DONE_STATUSES, Visit.Status.CANCELLED])
        ),
        outbound_off_plan=Count("pk", filter=completed & Q(plan_line__isnull=True)),
        inbound_received=Count("pk", filter=received),
        inbound_persons=Sum("persons", filter=received, default=0),
    )
    return {key: int(value) for key, value in totals.items()}


def _trainings(year: int) -> dict:
    totals = selectors.trainings_of_year(year).aggregate(
        count=Count("pk"),
        discipline=Count("pk", filter=Q(kind=Training.Kind.DISCIPLINE)),
        hours=Sum("hours", default=Decimal(0)),
        attendees=Sum("attendee_count", default=0),
    )
    # JSON has no Decimal; hours carry one decimal place.
    return {**totals, "hours": float(round(Decimal(totals["hours"]), 1))}


def _partners(year: int) -> dict:
    # One grouped query by country and city: the Greater Bay Area is known by its cities.
    places = (
        selectors.partners_of_year(year)
        .order_by()
        .values_list("country", "city")
        .annotate(n=Count("pk"))
    )
    counts, greater_bay_area = Counter(), 0
    for code, city, n in places:
        counts[code] += n
        greater_bay_area += n if is_greater_bay_area(code, city) else 0
    rows = [
        {
            "code": code,
            "name": country_name_zh(code),
            "region": region_kind(code).value,
            "region_label": zh(region_kind(code).label),
            "belt_and_road": is_belt_and_road(code),
            "count": n,
        }
        for code, n in counts.items()
    ]
    order = {kind.value: index for index, kind in enumerate(REGION_ORDER)}
    rows.sort(key=lambda row: (order[row["region"]], -row["count"], row["code"]))
    by_region = Counter()
    for row in rows:
        by_region[row["region"]] += row["count"]
    return {
        "total": sum(row["count"] for row in rows),
        "countries": len(rows),
        "belt_and_road": sum(row["count"] for row in rows if row["belt_and_road"]),
        "greater_bay_area": greater_bay_area,
        "by_country": rows,
        "by_region": [
            {"key": kind.value, "label": zh(kind.label), "count": by_region[kind.value]}
            for kind in REGION_ORDER
            if kind != RegionKind.MAINLAND or by_region[kind.value]
        ],
        "sources": region_sources_note(),
    }


def region_sources_note() -> str:
    """Return the one-line note naming the source and as-of date of each region list."""
    parts = []
    for label, source in region_sources():
        dates = "，".join(
            part
            for part in (
                f"截至{source.as_of}" if source.as_of else "",
                f"其后变动更新至{source.updated}" if source.updated else "",
            )
            if part
        )
        parts.append(
            f"{zh(label)}：《{source.title}》（{source.issuer}{'，' + dates if dates else ''}）"
        )
    return "区域口径：" + "；".join(parts) + "。"


def _visit_days(start, end) -> int:
    return (end - start).days + 1 if start and end else 0


def _execution(line: dict) -> str:
    if line["completed"]:
        return "已完成"
    if line["pending"]:
        return "待执行"
    if line["cancelled"]:
        return "已取消"
    return "未执行"


def _visit_plan(year: int, *, off_plan: int) -> dict:
    visits_by_line = defaultdict(list)
    linked = (
        Visit.objects.filter(plan_line__year=year)
        .order_by("pk")
        .values("plan_line_id", "status", "persons", "actual_start", "actual_end", "cancel_reason")
    )
    for visit in linked:
        visits_by_line[visit["plan_line_id"]].append(visit)
    lines = [_plan_line(line, visits_by_line[line.pk]) for line in selectors.plan_lines_of(year)]
    keys = ("planned_persons", "planned_days", "visits", "completed", "cancelled", "pending")
    totals = {key: sum(line[key] for line in lines) for key in keys}
    totals.update(
        lines=len(lines),
        not_started=sum(1 for line in lines if not line["visits"]),
        actual_persons=sum(line["actual_persons"] for line in lines),
        actual_days=sum(line["actual_days"] for line in lines),
    )
    return {"lines": lines, "totals": totals, "off_plan_completed": off_plan}


def _plan_line(line, visits: list[dict]) -> dict:
    done = [visit for visit in visits if visit["status"] in Visit.DONE_STATUSES]
    cancelled = [visit for visit in visits if visit["status"] == Visit.Status.CANCELLED]
    row = {
        "id": line.pk,
        "month": line.planned_month,
        "destinations": country_names_zh(line.destinations),
        "description": line.description,
        "purpose": zh(line.get_purpose_display()),
        "department": line.department,
        "planned_persons": line.persons,
        "planned_days": line.days,
        "visits": len(visits),
        "completed": len(done),
        "cancelled": len(cancelled),
        "pending": len(visits) - len(done) - len(cancelled),
        "actual_persons": sum(visit["persons"] for visit in done),
        "actual_days": sum(_visit_days(v["actual_start"], v["actual_end"]) for v in done),
        "cancel_reasons": sorted({v["cancel_reason"] for v in cancelled if v["cancel_reason"]}),
    }
    row["execution"] = _execution(row)
    return row


# --- presenting -----------------------------------------------------------------------------


def _table(caption: str, header: list, rows: list, footer: list | None = None) -> dict:
    """Return one titled table; columns after the first hold numbers unless said otherwise."""
    return {
        "caption": caption,
        "header": header,
        "rows": rows,
        "footer": footer or [],
        "numeric": list(range(1, len(header))),
    }


def _items_table(caption: str, header: list, block: dict) -> dict:
    rows = [[item["label"], item["count"]] for item in block["items"]]
    return _table(caption, header, rows, ["合计", block["total"]])


def _overview_table(stats: dict) -> dict:
    c = stats["categories"]
    teachers = {item["key"]: item["count"] for item in c["teachers"]["items"]}
    # Snapshots frozen before 港澳台教师 were counted apart have no such block.
    hmt_teachers = c.get("hmt_teachers", {}).get("total", 0)
    visits, trainings = c["visits"], c["trainings"]
    rows = [
        ["交流记录（次）", c["interactions"]["total"]],
        ["本年签署合作协议（份）", c["agreements"]["signed"]],
        ["本年到期合作协议（份）", c["agreements"]["expiring"]],
        ["年末有效合作协议（份）", c["agreements"]["in_force"]],
        ["聘请外籍教师（名）", c["teachers"]["total"]],
        ["　其中：全职（名）", teachers.get(ForeignTeacher.Employment.FULL_TIME, 0)],
        ["　　　　兼职（名）", teachers.get(ForeignTeacher.Employment.PART_TIME, 0)],
        ["聘请港澳台教师（名）", hmt_teachers],
        ["外教合同纠纷、安全、政治、宗教等事件（起）", c["incidents"]["total"]],
        ["对外交流项目（个）", c["projects"]["total"]],
        ["项目参与人员（人）", c["participants"]["total"]],
        ["完成因公出访（批）", visits["outbound_completed"]],
        ["　出访人次", visits["outbound_completed_persons"]],
        ["　其中：计划外出访（批）", visits["outbound_off_plan"]],
        ["取消因公出访（批）", visits["outbound_cancelled"]],
        ["接待境外来访（批）", visits["inbound_received"]],
        ["　来访人次", visits["inbound_persons"]],
        ["外事培训和纪律教育（次）", trainings["count"]],
        ["　培训学时", _hours(trainings["hours"])],
        ["　参训人次", trainings["attendees"]],
        ["向上级部门报送材料（份）", c["submissions"]["total"]],
    ]
    return _table(f"{stats['year']}年外事工作主要数据", ["项目", "数量"], rows)


def _hours(hours: float) -> str:
    return f"{hours:g}"


def _partners_tables(stats: dict) -> list[dict]:
    partners = stats["partners"]
    by_country = _table(
        "合作院校（机构）国家和地区分布",
        ["国家/地区", "类别", "数量"],
        [[row["name"], row["region_label"], row["count"]] for row in partners["by_country"]],
        ["合计", "", partners["total"]],
    )
    by_country["numeric"] = [2]
    by_region = _table(
        "合作院校（机构）区域分布",
        ["区域", "数量"],
        [[row["label"], row["count"]] for row in partners["by_region"]],
        ["合计", partners["total"]],
    )
    if "greater_bay_area" in partners:  # snapshots frozen before these were counted lack them
        by_region["rows"] += [
            ["其中：“一带一路”共建国家", partners["belt_and_road"]],
            ["　　　粤港澳大湾区", partners["greater_bay_area"]],
        ]
    by_region["note"] = partners.get("sources", "")
    return [by_region, by_country]


def _participants_table(stats: dict) -> dict:
    directions = stats["categories"]["participants"]["by_direction"]
    statuses = directions[0]["items"] if directions else []
    rows = [
        [status["label"], *(d["items"][i]["count"] for d in directions)]
        + [sum(d["items"][i]["count"] for d in directions)]
        for i, status in enumerate(statuses)
    ]
    footer = ["合计", *(d["count"] for d in directions), sum(d["count"] for d in directions)]
    header = ["状态", *(d["label"] for d in directions), "合计"]
    return _table("项目参与人员（按方向和状态）", header, rows, footer)


def _visit_plan_table(stats: dict) -> dict:
    plan = stats["visit_plan"]
    rows = [
        [
            f"{line['month']}月",
            line["destinations"],
            line["description"] or line["purpose"],
            f"{line['planned_persons']}人/{line['planned_days']}天",
            line["completed"],
            line["cancelled"],
            line["actual_persons"],
            line["execution"],
        ]
        for line in plan["lines"]
    ]
    totals = plan["totals"]
    footer = [
        "合计",
        f"{totals['lines']}项",
        "",
        f"{totals['planned_persons']}人/{totals['planned_days']}天",
        totals["completed"],
        totals["cancelled"],
        totals["actual_persons"],
        "",
    ]
    header = ["计划月份", "国家/地区", "任务", "计划", "完成", "取消", "实际人数", "执行情况"]
    table = _table(f"{stats['year']}年因公出访计划执行情况", header, rows, footer)
    table["numeric"] = [3, 4, 5, 6]
    return table


def statistics_tables(stats: dict) -> list[dict]:
    """Return the titled tables (caption, header, rows, footer, numeric columns) to display."""
    c = stats["categories"]
    return [
        _overview_table(stats),
        _items_table("交流记录（按类型）", ["类型", "次数"], c["interactions"]),
        *_partners_tables(stats),
        _items_table("对外交流项目（按状态）", ["状态", "项目数"], c["projects"]),
        _participants_table(stats),
        _items_table("外籍教师（按聘用方式）", ["聘用方式", "人数"], c["teachers"]),
        *(
            [_items_table("港澳台教师（按聘用方式）", ["聘用方式", "人数"], c["hmt_teachers"])]
            if c.get("hmt_teachers", {}).get("total")
            else []
        ),
        _items_table("外教有关事件（按类型）", ["类型", "起数"], c["incidents"]),
        _visit_plan_table(stats),
        _items_table("向上级部门报送材料（按类型）", ["类型", "份数"], c["submissions"]),
    ]


def statistics_charts(stats: dict) -> list[SafeString]:
    """Return the SVG bar charts shown under the tables (only those with something to show)."""
    partners = [(row["name"], row["count"]) for row in stats["partners"]["by_country"]]
    kinds = [
        (item["label"], item["count"]) for item in stats["categories"]["interactions"]["items"]
    ]
    totals = stats["visit_plan"]["totals"]
    plan = [
        ("计划出访（项）", totals["lines"]),
        ("完成出访（批）", totals["completed"]),
        ("取消出访（批）", totals["cancelled"]),
        ("计划外出访（批）", stats["visit_plan"]["off_plan_completed"]),
    ]
    charts = [
        (partners, "合作院校（机构）国家和地区分布"),
        (kinds, "交流记录类型分布"),
        (plan, "因公出访计划执行情况"),
    ]
    return [
        format_html(
            '<figure class="statistics-chart">{}<figcaption>{}</figcaption></figure>',
            bar_chart(items, title=title),
            title,
        )
        for items, title in charts
        if any(value for _, value in items)
    ]


def statistics_html(stats: dict) -> str:
    """Return the statistics block (tables and charts) for the report page and the PDF."""
    return render_to_string(
        "reports/statistics.html",
        {
            "stats": stats,
            "year": stats["year"],
            "tables": statistics_tables(stats),
            "charts": statistics_charts(stats),
        },
    )
