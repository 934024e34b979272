"""Demo data built from the office's 2020 report (shared/sample-report-2020.txt).

Every institution, project and interaction below is one the sample report talks about; the
one part-time foreign teacher has fictional personal details and is marked as demo. Loading
is idempotent: rows are found by their natural key and created only when missing, so a
second run (or a run after users edited the demo rows) changes nothing.
"""

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from exchanges.models import ExchangeProject, Participant, Visit, VisitPlanLine
from faculty.models import Contract, ForeignTeacher, IdentityDocument, QualificationCheck
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from partners.models import Agreement, Contact, Institution, Interaction
from reports.models import Submission, Training

PANDEMIC = "新冠肺炎疫情影响，无法实地交流"

USERS = [
    # username, full name, group, is_superuser
    ("admin", "系统管理员", None, True),
    ("staff", "陈晓燕", OFFICE_STAFF, False),
    ("leader", "李建国", LEADERSHIP, False),
    ("liaison", "张丽华", LIAISON, False),
]

INSTITUTIONS = [
    {
        "name_zh": "韩国庆北专门大学",
        "name_en": "Kyungbuk College",
        "short_name": "庆北专大",
        "kind": Institution.Kind.COLLEGE,
        "country": "KR",
        "city": "荣州",
        "website": "https://www.kbc.ac.kr",
        "status": Institution.Status.ACTIVE,
        "since": date(2018, 11, 1),
        "notes": "友好合作院校；2020年受疫情影响未能实地交流，保持师生友好沟通。",
    },
    {
        "name_zh": "澳门镜湖护理学院",
        "name_en": "Kiang Wu Nursing College of Macau",
        "short_name": "镜湖护院",
        "kind": Institution.Kind.COLLEGE,
        "country": "MO",
        "city": "澳门",
        "website": "https://www.kwnc.edu.mo",
        "status": Institution.Status.ACTIVE,
        "since": date(2019, 5, 1),
        "notes": "粤港澳大湾区合作院校；拟开展护理专业3+2联合培养（学分转移、课程衔接）。",
    },
    {
        "name_zh": "新加坡卫生部控股私人有限公司",
        "name_en": "MOH Holdings Pte Ltd (Singapore)",
        "short_name": "新加坡卫生部控股",
        "kind": Institution.Kind.GOVERNMENT,
        "country": "SG",
        "city": "新加坡",
        "website": "https://www.mohh.com.sg",
        "status": Institution.Status.ACTIVE,
        "since": date(2019, 3, 1),
        "notes": "新加坡护理奖学金项目：我校为国内第九所、广东省唯一一所代招院校。",
    },
    {
        "name_zh": "迪拜上海中医诊所（连锁机构）",
        "name_en": "Shanghai TCM Clinic Dubai (clinic chain)",
        "short_name": "迪拜上海中医诊所",
        "kind": Institution.Kind.HOSPITAL,
        "country": "AE",
        "city": "迪拜",
        "website": "",
        "status": Institution.Status.PROSPECTIVE,
        "since": None,
        "notes": "“中医技术鲁班工坊”拟合作方：为迪拜中医连锁机构培养中医药技术人才。",
    },
]

CONTACTS = [
    (
        "韩国庆北专门大学",
        {
            "name": "Kim Min-jun",
            "title": "国际交流处处长",
            "is_primary": True,
            "email": "intl@kbc.example.kr",
        },
    ),
    (
        "澳门镜湖护理学院",
        {
            "name": "梁嘉慧",
            "title": "对外事务办公室主任",
            "is_primary": True,
            "email": "external@kwnc.example.mo",
        },
    ),
    (
        "新加坡卫生部控股私人有限公司",
        {
            "name": "Tan Wei Ling",
            "title": "Scholarship Manager",
            "is_primary": True,
            "email": "scholarship@mohh.example.sg",
        },
    ),
]

AGREEMENTS = [
    (
        "韩国庆北专门大学",
        {
            "title": "肇庆医学高等专科学校与韩国庆北专门大学友好合作备忘录",
            "kind": Agreement.Kind.MOU,
            "signed_on": date(2018, 11, 20),
            "valid_from": date(2018, 11, 20),
            "valid_until": date(2023, 11, 19),
            "renewal": Agreement.Renewal.NEGOTIATION,
            "status": Agreement.Status.IN_FORCE,
        },
    ),
    (
        "澳门镜湖护理学院",
        {
            "title": "肇庆医学高等专科学校与澳门镜湖护理学院友好合作协议",
            "kind": Agreement.Kind.FRAMEWORK,
            "signed_on": date(2019, 5, 16),
            "valid_from": date(2019, 5, 16),
            "valid_until": date(2024, 5, 15),
            "renewal": Agreement.Renewal.NEGOTIATION,
            "status": Agreement.Status.IN_FORCE,
        },
    ),
    (
        "澳门镜湖护理学院",
        {
            "title": "护理专业专升本学生联合培养（3+2）合作协议",
            "kind": Agreement.Kind.JOINT_TRAINING,
            "status": Agreement.Status.NEGOTIATING,
            "quota_per_year": 20,
            "notes": "待教育部、广东省教育厅、澳门教育局等主管部门许可后签订。",
        },
    ),
    (
        "新加坡卫生部控股私人有限公司",
        {
            "title": "新加坡护理奖学金项目代招协议",
            "kind": Agreement.Kind.RECRUITMENT,
            "signed_on": date(2019, 3, 28),
            "valid_from": date(2019, 4, 1),
            "valid_until": None,
            "renewal": Agreement.Renewal.AUTO,
            "status": Agreement.Status.IN_FORCE,
            "approval_reference": "粤教外函〔2019〕12号",
        },
    ),
]

INTERACTIONS = [
    (
        "韩国庆北专门大学",
        date(2020, 3, 12),
        Interaction.Kind.CORRESPONDENCE,
        "互致疫情问候，商定疫情期间暂停师生互访，保持线上联系。",
    ),
    (
        "韩国庆北专门大学",
        date(2020, 10, 22),
        Interaction.Kind.ONLINE_MEETING,
        "线上交流会：通报双方疫情期间教学安排，约定疫情结束后继续开展教学合作与学术交流。",
    ),
    (
        "澳门镜湖护理学院",
        date(2020, 6, 18),
        Interaction.Kind.ONLINE_MEETING,
        "线上会谈：探讨护理专业专升本学生联合培养（3+2）模式与学分转移。",
    ),
    (
        "澳门镜湖护理学院",
        date(2020, 12, 8),
        Interaction.Kind.CORRESPONDENCE,
        "往来函件：交换3+2联合培养课程衔接方案初稿。",
    ),
    (
        "新加坡卫生部控股私人有限公司",
        date(2020, 8, 26),
        Interaction.Kind.ONLINE_MEETING,
        "线上会议：新方通报2020年度因疫情暂停输送学生，双方确认继续开展考前培训。",
    ),
    (
        "迪拜上海中医诊所（连锁机构）",
        date(2020, 11, 16),
        Interaction.Kind.CORRESPONDENCE,
        "邮件沟通“中医技术鲁班工坊”合作意向，拟为其培养中医药技术人才。",
    ),
]

PROJECTS = [
    {
        "name": "韩国庆北专门大学师生交流项目",
        "kind": ExchangeProject.Kind.STUDENT_EXCHANGE,
        "partners": ["韩国庆北专门大学"],
        "agreement": "肇庆医学高等专科学校与韩国庆北专门大学友好合作备忘录",
        "lead_department": "护理学院",
        "status": ExchangeProject.Status.SUSPENDED,
        "status_reason": PANDEMIC,
        "start_on": date(2019, 3, 1),
        "goals": "互派师生交换学习，开展教学合作与学术交流。",
    },
    {
        "name": "澳门镜湖护理学院交流学习项目",
        "kind": ExchangeProject.Kind.STUDENT_EXCHANGE,
        "partners": ["澳门镜湖护理学院"],
        "agreement": "肇庆医学高等专科学校与澳门镜湖护理学院友好合作协议",
        "lead_department": "护理学院",
        "status": ExchangeProject.Status.SUSPENDED,
        "status_reason": PANDEMIC,
        "start_on": date(2019, 9, 1),
        "goals": "开展交换学习与拓展培训，探讨更深层次的合作。",
    },
    {
        "name": "新加坡护理奖学金代招项目",
        "kind": ExchangeProject.Kind.SCHOLARSHIP_RECRUITMENT,
        "partners": ["新加坡卫生部控股私人有限公司"],
        "agreement": "新加坡护理奖学金项目代招协议",
        "lead_department": "护理学院",
        "status": ExchangeProject.Status.ACTIVE,
        "start_on": date(2019, 4, 1),
        "yearly_quota": 20,
        "goals": "选拔、培训并输送护理专业学生赴新加坡学习。",
        "outcomes": "2020年受疫情影响未能输送学生；坚持线上线下混合式培训与专项培养。",
    },
    {
        "name": "护理专业3+2联合培养项目",
        "kind": ExchangeProject.Kind.JOINT_TRAINING,
        "partners": ["澳门镜湖护理学院"],
        "agreement": "护理专业专升本学生联合培养（3+2）合作协议",
        "lead_department": "护理学院",
        "status": ExchangeProject.Status.PLANNING,
        "start_on": date(2021, 9, 1),
        "yearly_quota": 20,
        "goals": "通过学分转移，内地和澳门3+2模式开展课程衔接，成为粤港澳大湾区院校合作的典范。",
    },
    {
        "name": "中医技术鲁班工坊",
        "kind": ExchangeProject.Kind.TECHNICAL_TRAINING,
        "partners": ["迪拜上海中医诊所（连锁机构）"],
        "agreement": None,
        "lead_department": "中医学院",
        "status": ExchangeProject.Status.PLANNING,
        "start_on": date(2021, 3, 1),
        "goals": "为“一带一路”沿线国家培训中医药健康服务人才，传播中医药文化和技术。",
    },
]

PARTICIPANTS = [
    # fictional students of the Singapore programme, in training during 2020
    ("新加坡护理奖学金代招项目", "林晓彤", "护理2019级1班", "2019010101"),
    ("新加坡护理奖学金代招项目", "黄嘉怡", "护理2019级2班", "2019010215"),
    ("新加坡护理奖学金代招项目", "吴思敏", "护理2019级3班", "2019010322"),
]

PLAN_LINES = [
    # year, destinations, month, days, persons, description, department
    (2020, ["KR"], 7, 5, 3, "赴韩国庆北专门大学学术交流", "护理学院"),
    (2020, ["MO"], 10, 4, 3, "赴澳门镜湖护理学院洽谈联合培养", "外事办公室"),
    (2021, ["MO"], 5, 4, 3, "赴澳门镜湖护理学院商签3+2联合培养协议", "外事办公室"),
    (2021, ["AE"], 11, 5, 3, "赴迪拜考察中医诊所，洽谈“中医技术鲁班工坊”", "中医学院"),
]

VISITS = [
    {
        "title": "赴韩国庆北专门大学学术交流",
        "plan": (2020, 7),
        "destinations": ["KR"],
        "institutions": ["韩国庆北专门大学"],
        "persons": 3,
        "planned_start": date(2020, 7, 13),
        "planned_end": date(2020, 7, 17),
        "status": Visit.Status.CANCELLED,
        "cancel_reason": "新冠肺炎疫情，出入境受限",
    },
    {
        "title": "赴澳门镜湖护理学院洽谈联合培养",
        "plan": (2020, 10),
        "destinations": ["MO"],
        "institutions": ["澳门镜湖护理学院"],
        "persons": 3,
        "planned_start": date(2020, 10, 19),
        "planned_end": date(2020, 10, 22),
        "status": Visit.Status.CANCELLED,
        "cancel_reason": "新冠肺炎疫情，出入境受限",
    },
]

TRAININGS = [
    (
        "2020年全省高校外事工作业务培训（线上）",
        Training.Kind.BUSINESS,
        "广东省人民政府外事办公室",
        date(2020, 9, 24),
        "6.0",
        1,
    ),
    (
        "外事保密与纪律教育专题学习",
        Training.Kind.DISCIPLINE,
        "学校办公室",
        date(2020, 6, 11),
        "2.0",
        6,
    ),
]

SUBMISSIONS = [
    (
        "2019年外事工作总结及2020年工作计划",
        "广东省教育厅",
        Submission.Kind.SUMMARY,
        date(2020, 1, 15),
        date(2020, 1, 10),
    ),
    (
        "2020年因公出访计划",
        "肇庆市外事办公室",
        Submission.Kind.VISIT_PLAN,
        date(2020, 1, 20),
        date(2020, 1, 17),
    ),
    (
        "2020年外事统计报表",
        "广东省教育厅",
        Submission.Kind.STATISTICS,
        date(2020, 12, 31),
        date(2020, 12, 25),
    ),
    ("2021年因公出访计划", "肇庆市外事办公室", Submission.Kind.VISIT_PLAN, date(2021, 1, 20), None),
]


def demo_loaded() -> bool:
    """Return whether the demo has been loaded into this database before."""
    return get_user_model().objects.filter(username="admin").exists()


@transaction.atomic
def demo_load(*, password: str | None = None) -> dict[str, int]:
    """Create whatever of the demo data is missing; return how many rows were created."""
    created: dict[str, int] = {}

    def ensure(model, lookup: dict, defaults: dict | None = None):
        obj, was_created = model.objects.get_or_create(**lookup, defaults=defaults or {})
        created[model.__name__] = created.get(model.__name__, 0) + was_created
        return obj, was_created

    users = _ensure_users(password or settings.DEMO_PASSWORD, created)
    institutions = {
        values["name_zh"]: ensure(Institution, {"name_zh": values["name_zh"]}, values)[0]
        for values in INSTITUTIONS
    }
    for name, values in CONTACTS:
        ensure(Contact, {"institution": institutions[name], "name": values["name"]}, values)
    agreements = {
        values["title"]: ensure(
            Agreement, {"institution": institutions[name], "title": values["title"]}, values
        )[0]
        for name, values in AGREEMENTS
    }
    for name, day, kind, summary in INTERACTIONS:
        ensure(
            Interaction,
            {"institution": institutions[name], "date": day, "kind": kind},
            {"summary": summary, "participants": "外事办公室"},
        )
    projects = {}
    for values in PROJECTS:
        values = dict(values)
        partners = [institutions[name] for name in values.pop("partners")]
        title = values.pop("agreement")
        values["agreement"] = agreements[title] if title else None
        project, was_created = ensure(
            ExchangeProject, {"name": values["name"]}, {**values, "owner": users["staff"]}
        )
        if was_created:
            project.partners.set(partners)
        projects[project.name] = project
    for project_name, name, klass, number in PARTICIPANTS:
        ensure(
            Participant,
            {"project": projects[project_name], "number": number},
            {"name": name, "department": klass, "status": Participant.Status.TRAINING},
        )
    plan_lines = {}
    for year, destinations, month, days, persons, description, department in PLAN_LINES:
        plan_lines[(year, month)], _ = ensure(
            VisitPlanLine,
            {"year": year, "planned_month": month, "description": description},
            {
                "destinations": destinations,
                "days": days,
                "persons": persons,
                "department": department,
                "funding_source": "学校经费",
            },
        )
    for values in VISITS:
        values = dict(values)
        visited = [institutions[name] for name in values.pop("institutions")]
        values["plan_line"] = plan_lines[values.pop("plan")]
        visit, was_created = ensure(Visit, {"title": values["title"]}, values)
        if was_created:
            visit.institutions.set(visited)
    _ensure_teacher(users, ensure)
    _ensure_current_visits(users, institutions, ensure)
    for title, kind, organiser, day, hours, count in TRAININGS:
        ensure(
            Training,
            {"title": title, "date": day},
            {"kind": kind, "organiser": organiser, "hours": hours, "attendee_count": count},
        )
    for title, authority, kind, due_on, submitted_on in SUBMISSIONS:
        ensure(
            Submission,
            {"title": title, "authority": authority},
            {"kind": kind, "due_on": due_on, "submitted_on": submitted_on},
        )
    created["AnnualReport"] = int(_ensure_report_2020())
    return created


# A minimal PDF, for the demo's 批件 (approval document) and post-trip report.
DEMO_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def _ensure_current_visits(users, institutions, ensure) -> None:
    """This year's visits, dated from today and moved through their workflow's steps.

    A liaison's proposal waits in the office's inbox; a group to Macau is abroad now, its
    permit handed out after the briefing and the pledge.
    """
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from exchanges.models import PassportCustody, VisitMember
    from foreign_affairs.workflow import transition_run

    today = timezone.localdate()
    start = today + timedelta(days=40)
    line, _ = ensure(
        VisitPlanLine,
        {"year": start.year, "planned_month": start.month, "department": "护理学院"},
        {
            "destinations": ["MY"],
            "purpose": VisitPlanLine.Purpose.OFFICIAL,
            "description": "赴马来西亚考察护理职业教育",
            "days": 5,
            "persons": 3,
            "funding_source": "学校经费",
        },
    )
    proposal, created = ensure(
        Visit,
        {"title": "赴马来西亚考察护理职业教育"},
        {
            "plan_line": line,
            "destinations": ["MY"],
            "department": "护理学院",
            "funding_source": "学校经费",
            "purpose": "考察马来西亚护理职业教育，洽谈学生交换",
            "planned_start": start,
            "planned_end": start + timedelta(days=4),
            "persons": 2,
            "proposed_by": users["liaison"],
        },
    )
    if created:
        VisitMember.objects.create(
            visit=proposal,
            name="王晓东",
            role="leader",
            unit="护理学院",
            position="院长",
            is_unit_head=True,
        )
        VisitMember.objects.create(visit=proposal, name="刘芳", unit="护理学院", position="讲师")
        transition_run(obj=proposal, name="submit", user=users["liaison"])
    macau, created = ensure(
        Visit,
        {"title": "赴澳门镜湖护理学院商谈3+2联合培养"},
        {
            "off_plan_reason": "对方邀请出席联合培养协调会",
            "destinations": ["MO"],
            "department": "外事办公室",
            "funding_source": "学校经费",
            "planned_start": today - timedelta(days=1),
            "planned_end": today + timedelta(days=2),
            "briefing_on": today - timedelta(days=7),
            "pledge_signed_on": today - timedelta(days=7),
            "persons": 1,
            "proposed_by": users["staff"],
        },
    )
    if created:
        macau.institutions.set([institutions["澳门镜湖护理学院"]])
        VisitMember.objects.create(
            visit=macau,
            name="陈晓燕",
            user=users["staff"],
            role="leader",
            unit="外事办公室",
            position="科长",
        )
        staff = users["staff"]
        for step, data in (
            ("submit", {}),
            ("review", {}),
            (
                "approve",
                {
                    "approval_number": "粤港澳办〔演示〕1号",
                    "approval_file": ContentFile(DEMO_PDF, name="批件.pdf"),
                },
            ),
        ):
            transition_run(obj=macau, name=step, user=staff, data=data)
        permit, _ = ensure(
            PassportCustody,
            {"passport_number": "CD0000001"},
            {
                "holder": "陈晓燕",
                "holder_user": staff,
                "kind": "hk_macau_permit",
                "issued_on": date(2023, 3, 1),
                "expires_on": date(2028, 2, 28),
            },
        )
        transition_run(
            obj=permit,
            name="hand_out",
            user=staff,
            data={"visit": macau, "handed_out_on": today - timedelta(days=3)},
        )
        transition_run(
            obj=macau, name="depart", user=staff, data={"actual_start": today - timedelta(days=1)}
        )


def _ensure_report_2020() -> bool:
    """Import the sample report as the 2020 report unless there is one; return if imported."""
    from reports.importer import report_import
    from reports.models import AnnualReport

    if AnnualReport.objects.filter(year=2020).exists():
        return False
    sample = Path(__file__).resolve().parent / "samples" / "sample-report-2020.txt"
    staff = get_user_model().objects.filter(username="staff").first()
    report_import(file=sample, filename=sample.name, year=2020, user=staff)
    return True


def _ensure_users(password: str, created: dict[str, int]) -> dict:
    User = get_user_model()
    users = {}
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
            user.set_password(password)
            user.save(update_fields=["password"])
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        created["User"] = created.get("User", 0) + was_created
        users[username] = user
    return users


def _ensure_teacher(users: dict, ensure) -> None:
    """The sample's one part-time foreign teacher; every personal detail is fictional."""
    teacher, was_created = ensure(
        ForeignTeacher,
        {"family_name": "Carter", "given_name": "Emily", "date_of_birth": date(1986, 4, 9)},
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
            "manager": users["staff"],
            "is_demo": True,
            "notes": "演示数据：个人信息均为虚构。",
        },
    )
    if was_created:
        teacher.assistants.set([users["staff"]])
    ensure(
        Contract,
        {"teacher": teacher, "start_on": date(2020, 9, 1)},
        {
            "end_on": date(2021, 7, 15),
            "position": "兼职英语教师",
            "weekly_hours": 8,
            "status": Contract.Status.SIGNED,
        },
    )
    documents = [
        (IdentityDocument.Kind.PASSPORT, "", "DEMO1234567", date(2017, 2, 1), date(2027, 1, 31)),
        (
            IdentityDocument.Kind.WORK_PERMIT,
            "B",
            "DEMO440100200001",
            date(2020, 8, 20),
            date(2021, 8, 19),
        ),
        (
            IdentityDocument.Kind.RESIDENCE_PERMIT,
            "",
            "DEMO-RP-20200901",
            date(2020, 9, 1),
            date(2021, 8, 19),
        ),
        (IdentityDocument.Kind.HEALTH_CERTIFICATE, "", "", date(2020, 7, 30), date(2021, 1, 29)),
    ]
    for kind, permit_class, number, issued_on, expires_on in documents:
        ensure(
            IdentityDocument,
            {"teacher": teacher, "kind": kind, "issued_on": issued_on},
            {"permit_class": permit_class, "number": number, "expires_on": expires_on},
        )
    ensure(
        QualificationCheck,
        {"teacher": teacher, "year": 2020},
        {
            "degree_verified": True,
            "experience_verified": True,
            "certificate_verified": True,
            "health_verified": True,
            "criminal_record_verified": True,
            "result": QualificationCheck.Result.PASSED,
            "reviewer": users["staff"],
            "checked_on": date(2020, 11, 30),
        },
    )
