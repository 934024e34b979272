"""The living demo office: `build_demo()` builds it on today's date (`load_demo`).

On top of the office's 2020 (demo/sample2020.py, the history the sample report tells) it adds
what an office has on any day, dated from `today`: this year's visit plan (因公出国 and
因公赴港澳（台） lines), visits in every state of their workflow (出访 and 来访; a group abroad
now), agreements expiring in the coming months and one that ran out a few weeks ago, a
teacher whose work permit falls due (her documents valid) and a recruit still missing a
certificate, last year's report waiting for the leaders, and something in the inbox of each
role. Every state is reached through the workflow layer (`transition_run`), so the history,
the state changes and the inbox items are the ones a real office would have.

Loading is idempotent: rows are found by a natural key that does not depend on the day and
created only when missing, so a second run (or one after users edited the demo rows) changes
nothing. The people are fictional: demo accounts and contacts use `example.*` addresses, and
the demo's foreign teachers are the names in `DEMO_TEACHERS` (`demo_teachers()`).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from demo import sample2020
from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    Visit,
    VisitMember,
    VisitPlanLine,
)
from faculty.models import Contract, ForeignTeacher, IdentityDocument, QualificationCheck
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.workflow import transition_run
from partners.models import Agreement, Contact, Institution, Interaction
from reports.models import AnnualReport, Submission, Training

USERS = [
    # username, full name, group, is_superuser
    ("admin", "系统管理员", None, True),
    ("staff", "陈晓燕", OFFICE_STAFF, False),
    ("leader", "李建国", LEADERSHIP, False),
    ("liaison", "张丽华", LIAISON, False),
]

# The demo's foreign teachers (family name, given name, date of birth): every detail fictional.
DEMO_TEACHERS = (
    ("Carter", "Emily", date(1986, 4, 9)),
    ("Becker", "Lukas", date(1990, 10, 2)),
)

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

SAMPLE_REPORT = Path(__file__).resolve().parents[1] / "reports" / "samples"
SAMPLE_REPORT /= "sample-report-2020.txt"

# In a step's inputs: the visit being built (a travel document is handed out for it).
THIS_VISIT = object()


def demo_loaded() -> bool:
    """Return whether the demo has been loaded into this database before."""
    return get_user_model().objects.filter(username="admin").exists()


def demo_teachers():
    """Return the demo's foreign teachers (recognised by their fictional names)."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for family, given, born in DEMO_TEACHERS:
        query |= Q(family_name=family, given_name=given, date_of_birth=born)
    return ForeignTeacher.objects.filter(query)


@transaction.atomic
def build_demo(*, today: date | None = None, password: str | None = None) -> dict[str, int]:
    """Create whatever of the demo office is missing, dated from `today` (default: today in
    the portal's time zone); return how many rows of each model were created."""
    office = _Office(today or timezone.localdate(), password or settings.DEMO_PASSWORD)
    office.build()
    return {name: count for name, count in office.created.items() if count}


@dataclass
class Step:
    """A workflow step to take: `name` by `user` with the step's inputs (on `obj`, default
    the visit being built)."""

    name: str
    user: str
    data: dict = field(default_factory=dict)
    comment: str = ""
    obj: object = None


def demo_pdf(title: str) -> bytes:
    """Return a one-page A4 PDF (a real one: the file viewer shows it) headed `title`."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    try:
        font, small = ImageFont.truetype(FONT, 44), ImageFont.truetype(FONT, 30)
    except OSError:  # without the CJK fonts: the PDF stays valid, the text a box
        font = small = ImageFont.load_default()
    draw.text((620, 220), title, font=font, fill="black", anchor="mm")
    draw.text((620, 300), "（演示文件）", font=small, fill=(90, 90, 90), anchor="mm")
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def pdf(name: str, title: str = "演示文件") -> ContentFile:
    return ContentFile(demo_pdf(title), name=name)


class _Office:
    def __init__(self, today: date, password: str):
        self.today = today
        self.password = password
        self.created: Counter = Counter()
        self.users: dict = {}
        self.institutions: dict[str, Institution] = {}
        self.agreements: dict[str, Agreement] = {}

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    # --- plumbing ------------------------------------------------------------------------

    def ensure(self, model, lookup: dict, defaults: dict | None = None, *, m2m=None, user=None):
        """Return (row, created): the row matching `lookup`, or a new one validated and
        saved with `defaults` (lookups with "__" only find; `m2m` is set on a new row)."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is not None:
            return obj, False
        values = {key: value for key, value in lookup.items() if "__" not in key}
        obj = model(**{**values, **(defaults or {})})
        obj._history_user = user or self.users.get("staff")
        obj.full_clean()
        obj.save()
        for name, related in (m2m or {}).items():
            getattr(obj, name).set(related)
        self.created[model.__name__] += 1
        return obj, True

    def run(self, obj, steps) -> None:
        """Take the workflow steps on `obj` (or on each step's own record)."""
        for step in steps:
            data = {key: obj if value is THIS_VISIT else value for key, value in step.data.items()}
            transition_run(
                obj=step.obj or obj,
                name=step.name,
                user=self.users[step.user],
                data=data,
                comment=step.comment,
            )

    # --- the office ----------------------------------------------------------------------

    def build(self) -> None:
        self.ensure_users()
        self.partners()
        self.projects()
        self.teachers()
        self.passports()
        self.history_visits()
        self.visit_plan()
        self.past_visits()
        self.reports()
        self.visits()

    def ensure_users(self) -> None:
        User = get_user_model()
        for username, full_name, group_name, is_superuser in USERS:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": full_name,
                    "email": f"{username}@example.edu.cn",
                    "is_staff": is_superuser,
                    "is_superuser": is_superuser,
                },
            )
            if was_created:
                user.set_password(self.password)
                user.save(update_fields=["password"])
                if group_name:
                    user.groups.add(Group.objects.get(name=group_name))
                self.created["User"] += 1
            self.users[username] = user

    def partners(self) -> None:
        for values in sample2020.INSTITUTIONS + self.current_institutions():
            self.institutions[values["name_zh"]], _ = self.ensure(
                Institution, {"name_zh": values["name_zh"]}, values
            )
        for name, values in sample2020.CONTACTS + CONTACTS:
            self.ensure(
                Contact, {"institution": self.institutions[name], "name": values["name"]}, values
            )
        for name, values in sample2020.AGREEMENTS + self.current_agreements():
            self.agreements[values["title"]], _ = self.ensure(
                Agreement,
                {"institution": self.institutions[name], "title": values["title"]},
                values,
            )
        current = [
            (name, self.day(offset), kind, summary)
            for name, offset, kind, summary in CURRENT_INTERACTIONS
        ]
        for name, day, kind, summary in sample2020.INTERACTIONS + current:
            self.ensure(
                Interaction,
                {"institution": self.institutions[name], "kind": kind, "summary": summary},
                {"date": day, "participants": "外事办公室"},
            )

    def current_institutions(self) -> list[dict]:
        return [
            {
                "name_zh": "泰国清迈大学护理学院",
                "name_en": "Faculty of Nursing, Chiang Mai University",
                "short_name": "清迈大学护理学院",
                "kind": Institution.Kind.UNIVERSITY,
                "country": "TH",
                "city": "清迈",
                "website": "https://www.nurse.cmu.ac.th",
                "status": Institution.Status.ACTIVE,
                "since": self.day(-3 * 365 - 20),
                "notes": "护理专业师资培训与学生短期研修合作院校；合作备忘录续签商谈中。",
            },
            {
                "name_zh": "马来西亚英迪国际大学",
                "name_en": "INTI International University",
                "short_name": "英迪大学",
                "kind": Institution.Kind.UNIVERSITY,
                "country": "MY",
                "city": "汝来",
                "website": "https://newinti.edu.my",
                "status": Institution.Status.ACTIVE,
                "since": self.day(-200),
                "notes": "“一带一路”沿线合作院校；拟开展护理学生交换。",
            },
            {
                "name_zh": "日本国际医疗福祉大学",
                "name_en": "International University of Health and Welfare",
                "short_name": "国际医疗福祉大学",
                "kind": Institution.Kind.UNIVERSITY,
                "country": "JP",
                "city": "大田原",
                "website": "https://www.iuhw.ac.jp",
                "status": Institution.Status.ACTIVE,
                "since": self.day(-2 * 365 + 130),
                "notes": "康复治疗与护理专业教师研修、学术交流合作院校。",
            },
        ]

    def current_agreements(self) -> list[tuple[str, dict]]:
        renewal = Agreement.Renewal.NEGOTIATION
        kr_until, mo_until = self.day(70), self.day(3 * 365 + 40)
        return [
            (
                "韩国庆北专门大学",
                {
                    "title": "肇庆医学高等专科学校与韩国庆北专门大学友好合作备忘录（续签）",
                    "kind": Agreement.Kind.MOU,
                    "signed_on": kr_until - timedelta(days=3 * 365 + 5),
                    "valid_from": kr_until - timedelta(days=3 * 365),
                    "valid_until": kr_until,  # expiring: the renewal is due in the coming months
                    "renewal": renewal,
                    "status": Agreement.Status.IN_FORCE,
                    "notes": "疫情后续签，有效期三年；到期前需商谈再次续签。",
                },
            ),
            (
                "澳门镜湖护理学院",
                {
                    "title": "肇庆医学高等专科学校与澳门镜湖护理学院友好合作协议（续签）",
                    "kind": Agreement.Kind.FRAMEWORK,
                    "signed_on": mo_until - timedelta(days=5 * 365 + 3),
                    "valid_from": mo_until - timedelta(days=5 * 365),
                    "valid_until": mo_until,
                    "renewal": renewal,
                    "status": Agreement.Status.IN_FORCE,
                },
            ),
            (
                "泰国清迈大学护理学院",
                {
                    "title": "肇庆医学高等专科学校与泰国清迈大学护理学院合作备忘录",
                    "kind": Agreement.Kind.MOU,
                    "signed_on": self.day(-3 * 365 - 25),
                    "valid_from": self.day(-3 * 365 - 20),
                    "valid_until": self.day(-20),  # ran out three weeks ago, not yet recorded
                    "renewal": renewal,
                    "status": Agreement.Status.IN_FORCE,
                    "notes": "续签文本已发对方征求意见。",
                },
            ),
            (
                "马来西亚英迪国际大学",
                {
                    "title": "肇庆医学高等专科学校与马来西亚英迪国际大学合作备忘录",
                    "kind": Agreement.Kind.MOU,
                    "signed_on": self.day(-200),
                    "valid_from": self.day(-200),
                    "valid_until": self.day(-200 + 5 * 365),
                    "renewal": renewal,
                    "status": Agreement.Status.IN_FORCE,
                },
            ),
            (
                "日本国际医疗福祉大学",
                {
                    "title": "肇庆医学高等专科学校与日本国际医疗福祉大学教师研修协议",
                    "kind": Agreement.Kind.OTHER,
                    "signed_on": self.day(-2 * 365 + 125),
                    "valid_from": self.day(-2 * 365 + 130),
                    "valid_until": self.day(130),
                    "renewal": renewal,
                    "quota_per_year": 4,
                    "status": Agreement.Status.IN_FORCE,
                },
            ),
        ]

    def projects(self) -> None:
        year = self.today.year
        current = [
            {
                "name": "英迪国际大学护理学生交换项目",
                "kind": ExchangeProject.Kind.STUDENT_EXCHANGE,
                "partners": ["马来西亚英迪国际大学"],
                "agreement": "肇庆医学高等专科学校与马来西亚英迪国际大学合作备忘录",
                "lead_department": "护理学院",
                "status": ExchangeProject.Status.PLANNING,
                "goals": "互派护理专业学生短期交换学习，开展护理职业教育合作。",
            },
            {
                "name": "国际医疗福祉大学教师研修项目",
                "kind": ExchangeProject.Kind.STAFF_TRAINING,
                "partners": ["日本国际医疗福祉大学"],
                "agreement": "肇庆医学高等专科学校与日本国际医疗福祉大学教师研修协议",
                "lead_department": "临床医学院",
                "status": ExchangeProject.Status.ACTIVE,
                "start_on": self.day(-2 * 365 + 130),
                "yearly_quota": 4,
                "goals": "每年选派康复治疗与护理专业教师赴日研修。",
            },
        ]
        projects = {}
        for values in sample2020.PROJECTS + current:
            values = dict(values)
            partners = [self.institutions[name] for name in values.pop("partners")]
            title = values.pop("agreement")
            values["agreement"] = self.agreements[title] if title else None
            projects[values["name"]], _ = self.ensure(
                ExchangeProject,
                {"name": values["name"]},
                {**values, "owner": self.users["staff"]},
                m2m={"partners": partners},
            )
        singapore = "新加坡护理奖学金代招项目"
        for project_name, name, klass, number in sample2020.PARTICIPANTS:
            self.ensure(
                Participant,
                {"project": projects[project_name], "number": number},
                {
                    "name": name,
                    "department": klass,
                    "status": Participant.Status.WITHDRAWN,
                    "result": "2020年受新冠肺炎疫情影响未能成行",
                },
            )
        grade = year - 1 if self.today.month >= 9 else year - 2
        for name, klass, number, status in (
            ("郑雨婷", "1班", "01", Participant.Status.TRAINING),
            ("冯嘉欣", "2班", "07", Participant.Status.TRAINING),
            ("谢晓琳", "1班", "12", Participant.Status.SELECTED),
        ):
            self.ensure(
                Participant,
                {"project": projects[singapore], "name": name},
                {
                    "department": f"护理{grade}级{klass}",
                    "number": f"{grade}0101{number}",
                    "status": status,
                    "start_on": self.day(-60) if status == Participant.Status.TRAINING else None,
                },
            )
        for title, kind, organiser, day, hours, count in sample2020.TRAININGS + [
            (
                f"{self.day(-35).year}年全省高校外事工作业务培训",
                Training.Kind.BUSINESS,
                "广东省人民政府外事办公室",
                self.day(-35),
                "6.0",
                2,
            )
        ]:
            self.ensure(
                Training,
                {"title": title},
                {
                    "date": day,
                    "kind": kind,
                    "organiser": organiser,
                    "hours": hours,
                    "attendee_count": count,
                },
            )

    def plan_line(self, start: date, destinations, description, department, *, days, persons):
        purpose = VisitPlanLine.Purpose.ACADEMIC
        if department == "外事办公室" or "洽谈" in description or "商谈" in description:
            purpose = VisitPlanLine.Purpose.OFFICIAL
        line, _ = self.ensure(
            VisitPlanLine,
            {"year": start.year, "description": description},
            {
                "destinations": destinations,
                "planned_month": start.month,
                "days": days,
                "persons": persons,
                "department": department,
                "funding_source": "学校经费",
                "purpose": purpose,
            },
        )
        return line

    def history_visits(self) -> None:
        """The 2020 plan and its two trips, cancelled through the workflow (the pandemic)."""
        lines = {}
        for (
            year,
            destinations,
            month,
            days,
            persons,
            description,
            department,
        ) in sample2020.PLAN_LINES:
            lines[(year, month)] = self.plan_line(
                date(year, month, 1),
                destinations,
                description,
                department,
                days=days,
                persons=persons,
            )
        for values in sample2020.VISITS:
            values = dict(values)
            reason = values.pop("cancel_reason")
            self.visit(
                values.pop("title"),
                proposer=None,  # recorded by the office before the portal existed
                plan_line=lines[values.pop("plan")],
                institutions=values.pop("institutions"),
                department="外事办公室",
                funding_source="学校经费",
                steps=[Step("cancel", "staff", {"cancel_reason": reason})],
                **values,
            )

    def passports(self) -> None:
        self.travel_documents = {}
        for number, holder, user, kind, issued in (
            ("CD0000001", "陈晓燕", "staff", PassportCustody.Kind.HK_MACAU_PERMIT, -3 * 365),
            ("EA0000002", "王晓东", None, PassportCustody.Kind.PASSPORT, -2 * 365),
            ("EA0000003", "何丽", None, PassportCustody.Kind.PASSPORT, -4 * 365),
            ("EA0000004", "李建国", "leader", PassportCustody.Kind.PASSPORT, -365),
        ):
            years = 5 if kind == PassportCustody.Kind.HK_MACAU_PERMIT else 10
            self.travel_documents[number], _ = self.ensure(
                PassportCustody,
                {"passport_number": number},
                {
                    "holder": holder,
                    "holder_user": self.users[user] if user else None,
                    "kind": kind,
                    "issued_on": self.day(issued),
                    "expires_on": self.day(issued + years * 365),
                },
            )

    def visit_plan(self) -> None:
        """This year's plan: a line of each annual plan besides the visits' own lines."""
        year = self.today.year
        self.plan_line(
            date(year, 11, 1),
            ["TH"],
            "赴泰国清迈大学护理学院开展护理师资培训",
            "护理学院",
            days=5,
            persons=3,
        )
        self.plan_line(
            date(year, 6, 1),
            ["HK"],
            "赴香港理工大学护理学院考察交流",
            "护理学院",
            days=3,
            persons=3,
        )

    def visit(self, title, *, proposer, steps=(), members=(), institutions=(), **fields):
        """Create the visit (unless it exists) and take its workflow steps."""
        proposed_by = self.users[proposer] if proposer else None
        visit, created = self.ensure(
            Visit,
            {"title": title},
            {"proposed_by": proposed_by, **fields},
            m2m={"institutions": [self.institutions[name] for name in institutions]},
            user=proposed_by,
        )
        if not created:
            return visit
        for values in members:
            self.ensure(
                VisitMember,
                {"visit": visit, "name": values["name"]},
                {key: value for key, value in values.items() if key != "name"},
                user=proposed_by,
            )
        self.run(visit, steps)
        return visit

    def outbound(self, title, start, days, destinations, description, department, **kwargs):
        """An outbound visit on a line of its year's plan."""
        members = kwargs.get("members", ())
        line = self.plan_line(
            start, destinations, description, department, days=days, persons=max(len(members), 2)
        )
        return self.visit(
            title,
            plan_line=line,
            destinations=destinations,
            department=department,
            funding_source="学校经费",
            planned_start=start,
            planned_end=start + timedelta(days=days - 1),
            **kwargs,
        )

    def approval(self, day: date) -> dict:
        self.approvals = getattr(self, "approvals", 0) + 1
        return {
            "approval_number": f"肇医外〔{day.year}〕{self.approvals}号",
            "approval_file": pdf("批件.pdf", "出访任务批件"),
        }

    def visits(self) -> None:
        """Today's visits, in every state; the latest steps are the dashboard's recent changes."""
        d = self.day
        nursing = "护理学院"
        # cancelled before departure
        self.outbound(
            "赴澳大利亚考察护理专业课程",
            d(30),
            5,
            ["AU"],
            "赴澳大利亚考察护理专业课程",
            nursing,
            proposer="liaison",
            purpose="考察澳大利亚护理专业课程设置。",
            members=[
                member("刘芳", "leader", nursing, "讲师"),
                member("林小红", "member", nursing, "讲师"),
            ],
            steps=[
                Step("submit", "liaison"),
                Step("cancel", "staff", {"cancel_reason": "对方学校日程调整，本次出访取消"}),
            ],
        )
        self.inbound_visits()
        # report filed: the office reads it and closes the visit
        self.outbound(
            "赴新加坡卫生部控股洽谈护理奖学金项目",
            d(-45),
            4,
            ["SG"],
            "赴新加坡洽谈护理奖学金项目",
            "外事办公室",
            proposer="staff",
            institutions=["新加坡卫生部控股私人有限公司"],
            purpose="洽谈护理奖学金项目年度招生计划。",
            briefing_on=d(-52),
            pledge_signed_on=d(-52),
            members=[
                member(
                    "李建国", "leader", "校领导", "副校长", head=True, user=self.users["leader"]
                ),
                member("陈晓燕", "member", "外事办公室", "科长", user=self.users["staff"]),
            ],
            steps=[
                Step("submit", "staff"),
                Step("review", "staff"),
                Step("approve", "staff", self.approval(d(-60))),
                Step("depart", "staff", {"actual_start": d(-45)}),
                Step("come_back", "staff", {"actual_start": d(-45), "actual_end": d(-42)}),
                Step(
                    "file_report",
                    "staff",
                    {
                        "report_file": pdf("出访报告.pdf", "出访总结报告"),
                        "report_summary": "双方确定本年度招生名额与考前培训安排。",
                    },
                ),
            ],
        )
        # returned: the post-trip report is due
        korea_passport = self.travel_documents["EA0000002"]
        self.outbound(
            "赴韩国庆北专门大学开展护理教学交流",
            d(-16),
            5,
            ["KR"],
            "赴韩国庆北专门大学开展护理教学交流",
            nursing,
            proposer="liaison",
            institutions=["韩国庆北专门大学"],
            purpose="恢复两校师生交流，开展护理教学观摩与研讨。",
            briefing_on=d(-25),
            pledge_signed_on=d(-25),
            members=[
                member("王晓东", "leader", nursing, "院长", head=True),
                member("何丽", "member", nursing, "讲师"),
            ],
            steps=[
                Step("submit", "liaison"),
                Step("review", "staff"),
                Step("approve", "staff", self.approval(d(-30))),
                Step(
                    "hand_out",
                    "staff",
                    {"visit": THIS_VISIT, "handed_out_on": d(-18)},
                    obj=korea_passport,
                ),
                Step("depart", "staff", {"actual_start": d(-16)}),
                Step("come_back", "staff", {"actual_start": d(-16), "actual_end": d(-12)}),
                Step("take_back", "staff", {"returned_on": d(-10)}, obj=korea_passport),
            ],
        )
        # approved: the group attends the briefing before it leaves
        self.outbound(
            "赴香港参加粤港澳大湾区高职院校护理教育论坛",
            d(18),
            3,
            ["HK"],
            "赴香港参加粤港澳大湾区高职院校护理教育论坛",
            nursing,
            proposer="liaison",
            purpose="出席论坛并作交流发言。",
            members=[
                member("陈伟", "leader", nursing, "副院长"),
                member("何丽", "member", nursing, "讲师"),
            ],
            steps=[
                Step("submit", "liaison"),
                Step("review", "staff"),
                Step("approve", "staff", self.approval(d(-5))),
            ],
        )
        # in office review: the approval (批件) is awaited
        self.outbound(
            "赴日本国际医疗福祉大学开展教师研修",
            d(60),
            10,
            ["JP"],
            "赴日本国际医疗福祉大学开展康复治疗教师研修",
            "临床医学院",
            proposer="staff",
            trip_kind="academic",
            institutions=["日本国际医疗福祉大学"],
            purpose="按教师研修协议选派教师赴日研修康复治疗技术。",
            members=[
                member("黄志强", "leader", "临床医学院", "教授"),
                member("梁静", "member", "临床医学院", "讲师"),
            ],
            steps=[Step("submit", "staff"), Step("review", "staff")],
        )
        # draft: the liaison's request, returned by the office for changes
        self.outbound(
            "赴泰国清迈大学护理学院商谈续签合作备忘录",
            d(95),
            5,
            ["TH"],
            "赴泰国清迈大学护理学院商谈续签合作备忘录",
            nursing,
            proposer="liaison",
            institutions=["泰国清迈大学护理学院"],
            purpose="商谈合作备忘录续签，落实护理师资培训安排。",
            members=[
                member("周海燕", "leader", nursing, "副院长"),
                member("林小红", "member", nursing, "讲师"),
            ],
            steps=[
                Step("submit", "liaison"),
                Step(
                    "send_back", "staff", comment="请补充对方邀请函和日程安排，并核对团组人员名单。"
                ),
            ],
        )
        # departed: abroad now, the permit handed out after the briefing and the pledge
        permit = self.travel_documents["CD0000001"]
        self.visit(
            "赴澳门镜湖护理学院商谈3+2联合培养",
            proposer="staff",
            off_plan_reason="对方邀请出席联合培养协调会",
            destinations=["MO"],
            institutions=["澳门镜湖护理学院"],
            department="外事办公室",
            funding_source="学校经费",
            purpose="出席3+2联合培养协调会，商定课程衔接方案。",
            planned_start=d(-1),
            planned_end=d(2),
            briefing_on=d(-7),
            pledge_signed_on=d(-7),
            members=[
                {
                    "name": "陈晓燕",
                    "user": self.users["staff"],
                    "role": "leader",
                    "unit": "外事办公室",
                    "position": "科长",
                }
            ],
            steps=[
                Step("submit", "staff"),
                Step("review", "staff"),
                Step("approve", "staff", self.approval(d(-10))),
                Step(
                    "hand_out", "staff", {"visit": THIS_VISIT, "handed_out_on": d(-3)}, obj=permit
                ),
                Step("depart", "staff", {"actual_start": d(-1)}),
            ],
        )
        # submitted: waits for the office
        self.outbound(
            "赴马来西亚英迪国际大学考察护理职业教育",
            d(40),
            5,
            ["MY"],
            "赴马来西亚考察护理职业教育",
            nursing,
            proposer="liaison",
            institutions=["马来西亚英迪国际大学"],
            purpose="考察马来西亚护理职业教育，洽谈学生交换。",
            members=[
                member("王晓东", "leader", nursing, "院长", head=True),
                member("刘芳", "member", nursing, "讲师"),
            ],
            steps=[Step("submit", "liaison")],
        )

    def past_visits(self) -> None:
        """Visits done and closed, before the reports that tell them."""
        d, nursing = self.day, "护理学院"
        # closed: last year's trip, the whole way
        self.outbound(
            "赴泰国清迈大学护理学院访问交流",
            d(-300),
            5,
            ["TH"],
            "赴泰国清迈大学护理学院访问交流",
            nursing,
            proposer="staff",
            institutions=["泰国清迈大学护理学院"],
            purpose="访问合作院校，商定护理师资培训计划。",
            briefing_on=d(-310),
            pledge_signed_on=d(-310),
            members=[
                member("周海燕", "leader", nursing, "副院长"),
                member("梁静", "member", "临床医学院", "讲师"),
            ],
            steps=[
                Step("submit", "staff"),
                Step("review", "staff"),
                Step("approve", "staff", self.approval(d(-320))),
                Step("depart", "staff", {"actual_start": d(-300)}),
                Step("come_back", "staff", {"actual_start": d(-300), "actual_end": d(-296)}),
                Step(
                    "file_report",
                    "staff",
                    {
                        "report_file": pdf("出访报告.pdf", "出访总结报告"),
                        "report_summary": "商定护理师资培训计划，对方同意续签合作备忘录。",
                    },
                ),
                Step("close", "staff"),
            ],
        )
        self.visit(
            "韩国庆北专门大学代表团来访",
            proposer="staff",
            **self.inbound_fields("韩国庆北专门大学", "KR", d(-200), 2, 5),
            steps=[
                Step("approve", "staff"),
                Step(
                    "receive",
                    "staff",
                    {
                        "actual_start": d(-200),
                        "actual_end": d(-199),
                        "outcome": "签署合作备忘录续签意向，恢复两校师生互访。",
                    },
                ),
                Step("close", "staff"),
            ],
        )

    def inbound_fields(self, institution, country, start, days, persons) -> dict:
        return {
            "direction": Visit.Direction.INBOUND,
            "delegation": f"{institution}代表团",
            "nationality": country,
            "persons": persons,
            "host_department": "外事办公室",
            "reception_plan": "校领导会见，参观实训中心，座谈交流。",
            "institutions": [institution],
            "planned_start": start,
            "planned_end": start + timedelta(days=days - 1),
        }

    def inbound_visits(self) -> None:
        d = self.day
        self.visit(
            "澳门镜湖护理学院师生代表团来访",
            proposer="staff",
            **self.inbound_fields("澳门镜湖护理学院", "MO", d(-20), 3, 12),
            steps=[
                Step("approve", "staff"),
                Step(
                    "receive",
                    "staff",
                    {
                        "actual_start": d(-20),
                        "actual_end": d(-18),
                        "outcome": "开展护理技能交流与课程观摩，商定下学期交换生名额。",
                    },
                ),
            ],
        )
        self.visit(
            "新加坡卫生部控股代表团来访",
            proposer=None,  # recorded by the office: nobody else to tell of the cancellation
            **self.inbound_fields("新加坡卫生部控股私人有限公司", "SG", d(50), 1, 2),
            steps=[
                Step("approve", "staff"),
                Step("cancel", "staff", {"cancel_reason": "对方行程调整，改为线上会议"}),
            ],
        )
        self.visit(
            "日本国际医疗福祉大学代表团来访",
            proposer="staff",
            **self.inbound_fields("日本国际医疗福祉大学", "JP", d(75), 2, 4),
        )
        self.visit(
            "马来西亚英迪国际大学代表团来访",
            proposer="staff",
            **self.inbound_fields("马来西亚英迪国际大学", "MY", d(25), 2, 3),
            steps=[Step("approve", "staff")],
        )

    def teachers(self) -> None:
        d, staff = self.day, self.users["staff"]
        (carter, carter_born), (becker, becker_born) = [
            ((family, given), born) for family, given, born in DEMO_TEACHERS
        ]
        emily, created = self.ensure(
            ForeignTeacher,
            {"family_name": carter[0], "given_name": carter[1], "date_of_birth": carter_born},
            {
                "chinese_name": "柯艾米",
                "gender": ForeignTeacher.Gender.FEMALE,
                "nationality": "GB",
                "email": "emily.carter@example.com",
                "phone": "+86 138 0000 0000",
                "highest_degree": ForeignTeacher.Degree.BACHELOR,
                "degree_field": "English Literature",
                "degree_in_education_or_language": True,
                "has_tefl_certificate": True,
                "years_experience": 6,
                "native_language": "英语",
                "teaches_native_language": True,
                "subjects": "大学英语口语",
                "department": "公共课教学部",
                "employment": ForeignTeacher.Employment.PART_TIME,
                "status": ForeignTeacher.Status.EMPLOYED,
                "manager": staff,
                "notes": "个人信息均为虚构（演示数据）。",
            },
            m2m={"assistants": [staff]},
        )
        contract = {"position": "兼职英语教师", "weekly_hours": 8, "status": Contract.Status.SIGNED}
        self.ensure(
            Contract,
            {"teacher": emily, "start_on": date(2020, 9, 1)},
            {**contract, "end_on": date(2021, 7, 15)},
        )
        self.ensure(
            Contract,
            {"teacher": emily, "start_on__gt": date(2021, 1, 1)},
            {**contract, "start_on": d(-200), "end_on": d(165)},
        )
        K = IdentityDocument.Kind
        documents = [
            # the 2020 documents, kept as history (each replaced by a later one)
            (emily, K.PASSPORT, "", "DEMO1234567", date(2017, 2, 1), date(2027, 1, 31)),
            (emily, K.WORK_PERMIT, "B", "DEMO440100200001", date(2020, 8, 20), date(2021, 8, 19)),
            (
                emily,
                K.RESIDENCE_PERMIT,
                "",
                "DEMO-RP-20200901",
                date(2020, 9, 1),
                date(2021, 8, 19),
            ),
            (emily, K.HEALTH_CERTIFICATE, "", "", date(2020, 7, 30), None),
            # today's: valid, the permits due for their extension soon
            (emily, K.PASSPORT, "", "GB5550001", d(-3 * 365), d(7 * 365)),
            (emily, K.WORK_PERMIT, "B", "440100EC0002", d(-310), d(55)),
            (emily, K.RESIDENCE_PERMIT, "", "RP-EC-0003", d(-300), d(70)),
            (emily, K.HEALTH_CERTIFICATE, "", "HC-EC-0004", d(-330), None),
            (emily, K.CRIMINAL_RECORD, "", "CR-EC-0005", d(-340), None),
            (emily, K.DEGREE_CERTIFICATION, "", "DC-EC-0006", d(-350), None),
        ]
        lukas, _ = self.ensure(
            ForeignTeacher,
            {"family_name": becker[0], "given_name": becker[1], "date_of_birth": becker_born},
            {
                "chinese_name": "贝卢卡",
                "gender": ForeignTeacher.Gender.MALE,
                "nationality": "DE",
                "email": "lukas.becker@example.de",
                "highest_degree": ForeignTeacher.Degree.MASTER,
                "degree_field": "German as a Foreign Language",
                "degree_in_education_or_language": True,
                "years_experience": 4,
                "native_language": "德语",
                "teaches_native_language": True,
                "subjects": "德语（护理方向）",
                "department": "公共课教学部",
                "employment": ForeignTeacher.Employment.FULL_TIME,
                "status": ForeignTeacher.Status.UNDER_REVIEW,
                "manager": staff,
                "notes": "拟聘外教，无犯罪记录证明待补交（演示数据，个人信息均为虚构）。",
            },
        )
        documents += [
            (lukas, K.PASSPORT, "", "C0DE00001", d(-2 * 365), d(8 * 365)),
            (lukas, K.DEGREE_CERTIFICATION, "", "DC-LB-0002", d(-40), None),
            (lukas, K.HEALTH_CERTIFICATE, "", "HC-LB-0003", d(-20), None),
        ]
        for teacher, kind, permit_class, number, issued_on, expires_on in documents:
            lookup = {"teacher": teacher, "kind": kind}
            lookup.update({"number": number} if number else {"issued_on": issued_on})
            self.ensure(
                IdentityDocument,
                lookup,
                {"permit_class": permit_class, "issued_on": issued_on, "expires_on": expires_on},
            )
        for year, checked_on in ((2020, date(2020, 11, 30)), (self.today.year - 1, None)):
            self.ensure(
                QualificationCheck,
                {"teacher": emily, "year": year},
                {
                    "degree_verified": True,
                    "experience_verified": True,
                    "certificate_verified": True,
                    "health_verified": True,
                    "criminal_record_verified": True,
                    "result": QualificationCheck.Result.PASSED,
                    "reviewer": staff,
                    "checked_on": checked_on or date(year, 11, 30),
                },
            )

    def reports(self) -> None:
        """The 2020 report (imported from the sample), last year's in review, and the
        submissions to the authorities around them."""
        from reports.importer import report_import
        from reports.services import report_create_draft, report_submit

        staff, year = self.users["staff"], self.today.year
        if not AnnualReport.objects.filter(year=2020).exists():
            report_import(file=SAMPLE_REPORT, filename=SAMPLE_REPORT.name, year=2020, user=staff)
            self.created["AnnualReport"] += 1
        last = year - 1
        report = AnnualReport.objects.filter(year=last).first()
        if report is None and last > 2020:
            report = report_create_draft(year=last, user=staff)
            self.created["AnnualReport"] += 1
            report_submit(report=report, user=staff)  # the leaders review it
        d = self.day
        current = [
            (
                f"{last}年外事工作总结及{year}年工作计划",
                "广东省教育厅",
                Submission.Kind.SUMMARY,
                d(20),
                None,
            ),
            (f"{last}年外事统计报表", "广东省教育厅", Submission.Kind.STATISTICS, d(-10), d(-12)),
            (
                f"{year}年因公出访计划",
                "肇庆市外事办公室",
                Submission.Kind.VISIT_PLAN,
                d(-90),
                d(-95),
            ),
        ]
        for title, authority, kind, due_on, submitted_on in sample2020.SUBMISSIONS + current:
            self.ensure(
                Submission,
                {"title": title, "authority": authority},
                {
                    "kind": kind,
                    "due_on": due_on,
                    "submitted_on": submitted_on,
                    "report": report if kind == Submission.Kind.SUMMARY and due_on > d(0) else None,
                },
            )


def member(name, role, unit, position, *, head=False, user=None) -> dict:
    return {
        "name": name,
        "role": role,
        "unit": unit,
        "position": position,
        "is_unit_head": head,
        "user": user,
    }


CONTACTS = [
    (
        "泰国清迈大学护理学院",
        {
            "name": "Siriporn Chaiyasit",
            "title": "国际事务副院长",
            "is_primary": True,
            "email": "inter@nurse.example.ac.th",
        },
    ),
    (
        "马来西亚英迪国际大学",
        {
            "name": "Lim Mei Ling",
            "title": "国际合作处经理",
            "is_primary": True,
            "email": "partnerships@inti.example.my",
        },
    ),
    (
        "日本国际医疗福祉大学",
        {
            "name": "佐藤 健",
            "title": "国际交流中心主任",
            "is_primary": True,
            "email": "intl@iuhw.example.jp",
        },
    ),
]

# (institution, days from today, kind, summary): the partners' recent activity.
CURRENT_INTERACTIONS = [
    (
        "澳门镜湖护理学院",
        -5,
        Interaction.Kind.ONLINE_MEETING,
        "线上会议：商定下学期交换生选派与课程学分互认安排。",
    ),
    (
        "泰国清迈大学护理学院",
        -12,
        Interaction.Kind.CORRESPONDENCE,
        "往来函件：就合作备忘录续签文本征求对方意见。",
    ),
    (
        "韩国庆北专门大学",
        -14,
        Interaction.Kind.VISIT_PAID,
        "我校护理学院代表团赴庆北专门大学开展护理教学交流。",
    ),
    (
        "澳门镜湖护理学院",
        -19,
        Interaction.Kind.VISIT_RECEIVED,
        "接待镜湖护理学院师生代表团，开展护理技能交流与课程观摩。",
    ),
    (
        "马来西亚英迪国际大学",
        -30,
        Interaction.Kind.ONLINE_MEETING,
        "线上会谈：商议护理职业教育考察日程及学生交换意向。",
    ),
    (
        "新加坡卫生部控股私人有限公司",
        -44,
        Interaction.Kind.VISIT_PAID,
        "我校代表团赴新加坡洽谈护理奖学金项目年度招生计划。",
    ),
    (
        "迪拜上海中医诊所（连锁机构）",
        -75,
        Interaction.Kind.CORRESPONDENCE,
        "邮件沟通：对方告知海外布局调整，“中医技术鲁班工坊”合作暂缓。",
    ),
    (
        "日本国际医疗福祉大学",
        -90,
        Interaction.Kind.CORRESPONDENCE,
        "往来函件：确认本年度教师研修名额与日程。",
    ),
]
