"""Bulk rows for the benchmark (`manage.py seed_bench --rows N`, issue 12 item 1).

Every domain model gets N rows of realistic Chinese/English data — institutions across
countries and regions (港澳台 and the Greater Bay Area included), agreements signed over ten
years around today (expired, expiring, in force, open-ended, auto-renewing), projects and
participants, visits in every state of their workflow with their members, plan lines and the
travel documents handed out for them, teachers with contracts, documents (some expired, some
expiring), checks, changes and incidents, reports with their parts and sections, submissions
and trainings — each with its "+" history record, as the rows would have after being entered.

The data is deterministic: the same seed on the same database state gives the same rows. It
is written with `bulk_create` in batches (one INSERT per batch, no `save()`, no signal), so
10,000 rows of every model take seconds on PostgreSQL.

Rows are capped where the model itself allows no more: one annual report per year
(2000 to this year), its two parts (summary and plan) and a handful of sections each.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone, translation
from django_countries import countries

from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    Visit,
    VisitMember,
    VisitPlanLine,
)
from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)
from foreign_affairs.models import StateChange
from foreign_affairs.roles import DOMAIN_APPS, LEADERSHIP, LIAISON, OFFICE_STAFF
from partners.models import Agreement, Contact, Institution, Interaction
from reports.models import AnnualReport, ReportPart, ReportSection, Submission, Training

DEFAULT_SEED = 12
BATCH_SIZE = 2000
# The users the benchmark logs in as (password: settings.DEMO_PASSWORD).
STAFF_USERNAME, SUPERUSER_USERNAME = "bench_staff", "bench_admin"
LIAISONS = 12
SECTIONS_PER_PART = 6

# A two-character Chinese term many rows contain (names, titles, departments, summaries).
SEARCH_TERM = "医学"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩欣怡晨雪琳佳"
DEPARTMENTS = [
    "临床医学院",
    "护理学院",
    "药学院",
    "医学技术学院",
    "基础医学部",
    "公共卫生学院",
    "康复医学系",
    "口腔医学系",
    "外事办公室",
    "教务处",
    "科研处",
    "附属医院",
]
SUBJECTS_ZH = ["医学", "护理", "药学", "康复", "口腔", "中医", "公共卫生", "医学影像", "检验"]
SUBJECTS_EN = [
    "Medicine",
    "Nursing",
    "Pharmacy",
    "Rehabilitation",
    "Dentistry",
    "Chinese Medicine",
    "Public Health",
    "Medical Imaging",
    "Laboratory Science",
]
KINDS_ZH = {
    Institution.Kind.UNIVERSITY: ("大学", "University"),
    Institution.Kind.COLLEGE: ("学院", "College"),
    Institution.Kind.HOSPITAL: ("医院", "Hospital"),
    Institution.Kind.COMPANY: ("医疗集团", "Healthcare Group"),
    Institution.Kind.GOVERNMENT: ("卫生局", "Health Bureau"),
    Institution.Kind.OTHER: ("研究中心", "Research Centre"),
}
# Countries/regions with their cities (Chinese, English); weights roughly as a college has.
PLACES = {
    "MY": [("吉隆坡", "Kuala Lumpur"), ("槟城", "Penang"), ("新山", "Johor Bahru")],
    "TH": [("曼谷", "Bangkok"), ("清迈", "Chiang Mai")],
    "SG": [("新加坡", "Singapore")],
    "JP": [("东京", "Tokyo"), ("大阪", "Osaka"), ("名古屋", "Nagoya")],
    "KR": [("首尔", "Seoul"), ("釜山", "Busan")],
    "DE": [("柏林", "Berlin"), ("慕尼黑", "Munich"), ("海德堡", "Heidelberg")],
    "GB": [("伦敦", "London"), ("曼彻斯特", "Manchester"), ("爱丁堡", "Edinburgh")],
    "US": [("波士顿", "Boston"), ("西雅图", "Seattle"), ("休斯敦", "Houston")],
    "AU": [("悉尼", "Sydney"), ("墨尔本", "Melbourne")],
    "CA": [("多伦多", "Toronto"), ("温哥华", "Vancouver")],
    "FR": [("巴黎", "Paris"), ("里昂", "Lyon")],
    "RU": [("莫斯科", "Moscow"), ("喀山", "Kazan")],
    "VN": [("河内", "Hanoi"), ("胡志明市", "Ho Chi Minh City")],
    "ID": [("雅加达", "Jakarta"), ("泗水", "Surabaya")],
    "PK": [("拉合尔", "Lahore"), ("卡拉奇", "Karachi")],
    "KZ": [("阿拉木图", "Almaty")],
    "EG": [("开罗", "Cairo")],
    "ZA": [("开普敦", "Cape Town")],
    "BR": [("圣保罗", "São Paulo")],
    "NZ": [("奥克兰", "Auckland")],
    "HK": [("香港", "Hong Kong")],
    "MO": [("澳门", "Macau")],
    "TW": [("台北", "Taipei"), ("台中", "Taichung")],
    "CN": [("广州", "Guangzhou"), ("深圳", "Shenzhen"), ("珠海", "Zhuhai"), ("北京", "Beijing")],
}
FOREIGN_PEOPLE = {
    "US": (["Smith", "Johnson", "Brown", "Miller", "Davis"], ["John", "Emily", "Michael"]),
    "GB": (["Taylor", "Wilson", "Evans", "Thomas", "Roberts"], ["Oliver", "Amelia", "Harry"]),
    "AU": (["Walker", "White", "Harris", "Martin"], ["Jack", "Charlotte", "Liam"]),
    "CA": (["Tremblay", "Roy", "Campbell", "Anderson"], ["Noah", "Olivia", "Lucas"]),
    "DE": (["Müller", "Schmidt", "Schneider", "Fischer"], ["Lukas", "Anna", "Felix"]),
    "FR": (["Martin", "Bernard", "Dubois", "Moreau"], ["Louis", "Camille", "Hugo"]),
    "RU": (["Ivanov", "Smirnova", "Kuznetsov", "Popova"], ["Dmitry", "Anna", "Ivan"]),
    "JP": (["Sato", "Suzuki", "Takahashi", "Tanaka"], ["Haruto", "Yui", "Sota"]),
    "KR": (["Kim", "Lee", "Park", "Choi"], ["Minjun", "Seoyeon", "Jiho"]),
    "MY": (["Tan", "Lim", "Abdullah", "Wong"], ["Ahmad", "Mei Ling", "Raj"]),
    "HK": (["Chan", "Leung", "Cheung", "Lau"], ["Ka Yan", "Wing Sze", "Chi Ho"]),
    "TW": (["Chen", "Lin", "Huang", "Wu"], ["Yi-Ting", "Chia-Hao", "Shu-Fen"]),
}
AUTHORITIES = ["省教育厅", "省外办", "市外办", "省卫生健康委", "教育部国际司"]
TRAINING_TITLES = ["外事业务培训", "保密教育", "医学国际交流研讨"]
ORGANISERS = ["省外办", "省教育厅", "市外办", "本校外事办公室", "省委教育工委"]


class SeedError(Exception):
    """The database is not empty and `force` was not given."""


def domain_models() -> list[type[models.Model]]:
    """Every domain model (the four apps), without django-simple-history's snapshots."""
    from django.apps import apps

    from foreign_affairs.models import is_history_model

    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_history_model(model)
    ]


def is_empty() -> bool:
    return not any(model._base_manager.exists() for model in domain_models())


def seed(rows: int, *, seed: int = DEFAULT_SEED, force: bool = False, log=None) -> dict:
    """Create `rows` rows of every domain model; return {model label: rows created}.

    Refuses (`SeedError`) on a database that already has domain rows unless `force`: then
    the rows are added to those present, their unique names numbered after them.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    if not force and not is_empty():
        raise SeedError("the database already holds domain records")
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        return Seeder(rows, seed, log or (lambda message: None)).run()


class Seeder:
    def __init__(self, rows: int, seed: int, log):
        self.n, self.rng, self.log = rows, random.Random(seed), log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.created: dict[str, int] = {}
        # Offsets that keep unique values unique when rows are added to existing ones.
        self.offset = Institution._base_manager.count()

    # --- helpers -----------------------------------------------------------------------

    def day(self, years_back: float, years_ahead: float = 0) -> date:
        """A day between `years_back` years ago and `years_ahead` years from today."""
        start = -int(years_back * 365)
        return self.today + timedelta(days=self.rng.randint(start, int(years_ahead * 365)))

    def person(self, index: int) -> str:
        """A Chinese name; the index makes it unique within a group of 1,600."""
        given = GIVEN[index % len(GIVEN)]
        second = GIVEN[(index // len(GIVEN)) % len(GIVEN)] if index % 3 else ""
        return SURNAMES[(index * 7 + self.rng.randrange(3)) % len(SURNAMES)] + given + second

    def pick(self, sequence):
        return sequence[self.rng.randrange(len(sequence))]

    def insert(self, model, objs: list, user=None) -> list:
        """Insert the rows and their "+" history records; return the rows with their keys.

        The rows are in their final state (a closed visit with its members, an approved
        report with its parts): they were entered before their record became read-only, so
        the plain queryset writes them, not the workflow-locked default manager.
        """
        inserted = []
        for start in range(0, len(objs), BATCH_SIZE):
            batch = objs[start : start + BATCH_SIZE]
            inserted += models.QuerySet(model).bulk_create(batch)
        if inserted and inserted[0].pk is None:
            raise RuntimeError(f"{model._meta.label}: the database returned no keys")
        if hasattr(model, "history"):
            model.history.bulk_history_create(
                inserted, batch_size=BATCH_SIZE, default_user=user or self.staff
            )
        label = model._meta.label
        self.created[label] = self.created.get(label, 0) + len(inserted)
        self.log(f"{label}: {len(inserted)}")
        return inserted

    def link(self, field, pairs) -> None:
        """Insert many-to-many links: `pairs` of (row, other row)."""
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        links = [through(**{f"{source}_id": a.pk, f"{target}_id": b.pk}) for a, b in pairs]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)
        self.created[through._meta.label] = self.created.get(through._meta.label, 0) + len(links)

    # --- the run -----------------------------------------------------------------------

    def run(self) -> dict:
        self.users()
        self.partners()
        self.exchanges()
        self.faculty()
        self.reports()
        return self.created

    def users(self) -> None:
        User = get_user_model()
        password = make_password(settings.DEMO_PASSWORD)  # hashed once (Argon2 is slow)
        self.staff, _ = User.objects.get_or_create(
            username=STAFF_USERNAME,
            defaults={"password": password, "first_name": "秀英", "last_name": "王"},
        )
        self.staff.groups.add(Group.objects.get(name=OFFICE_STAFF))
        self.superuser, _ = User.objects.get_or_create(
            username=SUPERUSER_USERNAME,
            defaults={
                "password": password,
                "is_staff": True,
                "is_superuser": True,
                "first_name": "建国",
                "last_name": "李",
            },
        )
        self.leader, _ = User.objects.get_or_create(
            username="bench_leader",
            defaults={"password": password, "first_name": "志强", "last_name": "张"},
        )
        self.leader.groups.add(Group.objects.get(name=LEADERSHIP))
        liaison_group = Group.objects.get(name=LIAISON)
        self.liaisons = []
        for index in range(LIAISONS):
            user, _ = User.objects.get_or_create(
                username=f"bench_liaison{index + 1}",
                defaults={
                    "password": password,
                    "first_name": GIVEN[index] + GIVEN[index + 5],
                    "last_name": SURNAMES[index],
                    "email": f"liaison{index + 1}@college.example",
                },
            )
            user.groups.add(liaison_group)
            self.liaisons.append(user)

    # --- partners ----------------------------------------------------------------------

    def partners(self) -> None:
        rng, n = self.rng, self.n
        codes = list(PLACES)
        weights = [6 if c in ("MY", "TH", "SG", "HK", "MO", "JP", "KR") else 2 for c in codes]
        institutions, seen = [], set()
        for i in range(n):
            code = rng.choices(codes, weights)[0]
            city_zh, city_en = rng.choice(PLACES[code])
            kind = rng.choice(list(KINDS_ZH))
            kind_zh, kind_en = KINDS_ZH[kind]
            subject = rng.randrange(len(SUBJECTS_ZH))
            country_zh = str(countries.name(code)) if code not in ("CN", "HK", "MO", "TW") else ""
            base_zh = f"{country_zh}{city_zh}{SUBJECTS_ZH[subject]}{kind_zh}"
            base_en = f"{city_en} {SUBJECTS_EN[subject]} {kind_en}"
            name_zh, serial = base_zh, 1
            if self.offset:  # rows added to existing ones: numbered after them
                name_zh = f"{base_zh}（{self.offset + i}）"
            while name_zh in seen:
                serial += 1
                name_zh = f"{base_zh}（第{serial}校区）"
            seen.add(name_zh)
            since = self.day(12, 0) if rng.random() < 0.8 else None
            status = rng.choices(list(Institution.Status), [2, 12, 2, 1])[0]
            institutions.append(
                Institution(
                    name_zh=name_zh,
                    name_en=base_en if serial == 1 else f"{base_en} (Campus {serial})",
                    short_name=f"{city_zh}{SUBJECTS_ZH[subject][:2]}"[:50],
                    kind=kind,
                    country=code,
                    city=city_zh,
                    website=f"https://www.{city_en.lower().replace(' ', '')}{i}.example.edu",
                    status=status,
                    since=since,
                    notes=rng.choice(["", "", "双方在医学教育领域合作良好。", "待续签。"]),
                )
            )
        self.institutions = self.insert(Institution, institutions)

        contacts, primary_done = [], set()
        titles = ["国际处处长", "国际交流办公室主任", "护理学院院长", "Dean", "Coordinator"]
        for i in range(n):
            # The first half gives every institution a contact, the rest go anywhere.
            index = i % len(self.institutions) if i < n // 2 else rng.randrange(n)
            institution = self.institutions[index]
            primary = index not in primary_done
            primary_done.add(index)
            contacts.append(
                Contact(
                    institution=institution,
                    name=self.person(i)
                    if rng.random() < 0.6
                    else f"Dr. {self.pick(SUBJECTS_EN)} {i}",
                    title=rng.choice(titles),
                    email=f"contact{i}@partner{self.offset + index}.example",
                    phone=f"+60 3-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                    wechat=f"wx_{i:05d}" if rng.random() < 0.4 else "",
                    is_primary=primary,
                )
            )
        self.insert(Contact, contacts)

        agreements = []
        agreement_kinds = list(Agreement.Kind)
        for i in range(n):
            institution = self.pick(self.institutions)
            kind = rng.choice(agreement_kinds)
            status = rng.choices(list(Agreement.Status), [1, 1, 10, 4, 1])[0]
            signed = self.day(10, 0.3) if status in ("in_force", "expired", "terminated") else None
            valid_from = signed
            valid_until = None
            if valid_from and rng.random() < 0.9:
                valid_until = valid_from + timedelta(days=365 * rng.randint(1, 5) - 1)
            renewal = rng.choices(list(Agreement.Renewal), [6, 2, 2])[0]
            agreements.append(
                Agreement(
                    institution=institution,
                    title=f"与{institution.name_zh}的{kind.label}（{SUBJECTS_ZH[i % 9]}）",
                    kind=kind,
                    signed_on=signed,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    renewal=renewal,
                    quota_per_year=rng.choice([None, 2, 5, 10, 20]),
                    status=status,
                    approval_reference=f"粤教外〔{(signed or self.today).year}〕{i + 1}号"
                    if signed
                    else "",
                    notes="",
                )
            )
        self.agreements = self.insert(Agreement, agreements)

        interactions = []
        summaries = [
            "线上会谈，商议{s}专业交换生项目",
            "来函邀请我校{s}教师参加学术研讨会",
            "接待对方代表团参观{s}实训中心",
            "出访对方学校，洽谈{s}联合培养",
            "共同举办{s}国际论坛",
        ]
        for i in range(n):
            institution = self.pick(self.institutions)
            kind = rng.choice(list(Interaction.Kind))
            interactions.append(
                Interaction(
                    institution=institution,
                    date=self.day(6, 0),
                    kind=kind,
                    summary=rng.choice(summaries).format(s=self.pick(SUBJECTS_ZH)) + f"（{i}）",
                    participants="、".join(
                        self.person(i * 3 + k) for k in range(rng.randint(1, 3))
                    ),
                )
            )
        self.insert(Interaction, interactions)

    # --- exchanges ---------------------------------------------------------------------

    def exchanges(self) -> None:
        rng, n = self.rng, self.n
        projects = []
        for i in range(n):
            kind = rng.choice(list(ExchangeProject.Kind))
            status = rng.choices(list(ExchangeProject.Status), [1, 2, 6, 1, 4, 1])[0]
            start = self.day(8, 1)
            end = start + timedelta(days=rng.randint(30, 4 * 365)) if rng.random() < 0.85 else None
            reason = ""
            if status in ("suspended", "cancelled"):
                reason = rng.choice(["受疫情影响暂停", "对方学校调整计划", "经费未落实"])
            subject = self.pick(SUBJECTS_ZH)
            projects.append(
                ExchangeProject(
                    name=f"{start.year}年{subject}{kind.label}项目 第{i + 1 + self.offset}期",
                    kind=kind,
                    agreement=self.pick(self.agreements) if rng.random() < 0.5 else None,
                    lead_department=self.pick(DEPARTMENTS),
                    owner=self.pick(self.liaisons) if rng.random() < 0.7 else self.staff,
                    status=status,
                    status_reason=reason,
                    start_on=start,
                    end_on=end,
                    yearly_quota=rng.choice([None, 5, 10, 30]),
                    goals=f"培养具有国际视野的{subject}人才。",
                    outcomes="",
                )
            )
        self.projects = self.insert(ExchangeProject, projects)
        self.link(
            ExchangeProject._meta.get_field("partners"),
            [
                (project, partner)
                for project in self.projects
                for partner in rng.sample(self.institutions, min(rng.randint(1, 3), self.n))
            ],
        )

        participants = []
        for i in range(n):
            project = self.pick(self.projects)
            start = project.start_on
            participants.append(
                Participant(
                    project=project,
                    name=self.person(i),
                    kind=rng.choices(list(Participant.Kind), [8, 2, 1])[0],
                    department=f"{self.pick(SUBJECTS_ZH)}{rng.randint(18, 26)}"
                    f"0{rng.randint(1, 6)}班",
                    number=f"{2015 + i % 12}{self.offset + i:07d}",
                    direction=rng.choices(list(Participant.Direction), [4, 1])[0],
                    status=rng.choice(list(Participant.Status)),
                    start_on=start,
                    end_on=start + timedelta(days=rng.randint(14, 365)) if start else None,
                    result=rng.choice(["", "", "顺利完成学业", "获得学分互认"]),
                )
            )
        self.insert(Participant, participants)

        foreign = [code for code in PLACES if code not in ("CN",)]
        lines = []
        for i in range(n):
            destinations = rng.sample(foreign, rng.choices([1, 2, 3], [6, 3, 1])[0])
            lines.append(
                VisitPlanLine(
                    year=self.today.year + rng.randint(-5, 1),
                    destinations=destinations,
                    purpose=rng.choice(list(VisitPlanLine.Purpose)),
                    description=f"赴{'、'.join(str(countries.name(c)) for c in destinations)}"
                    f"开展{self.pick(SUBJECTS_ZH)}教育交流（{i + 1}）",
                    planned_month=rng.randint(1, 12),
                    days=rng.randint(3, 10),
                    persons=rng.randint(1, 6),
                    funding_source=rng.choice(["学校经费", "项目经费", "对方资助"]),
                    department=self.pick(DEPARTMENTS),
                )
            )
        self.plan_lines = self.insert(VisitPlanLine, lines)

        visits, steps = [], []
        outbound_states = ["draft", "submitted", "office_review", "approved", "departed"]
        outbound_states += ["returned", "report_filed", "closed", "cancelled"]
        inbound_states = ["draft", "approved", "received", "closed", "cancelled"]
        for i in range(n):
            outbound = rng.random() < 0.65
            direction = "outbound" if outbound else "inbound"
            status = rng.choice(outbound_states if outbound else inbound_states)
            start = self.day(6, 1)
            end = start + timedelta(days=rng.randint(2, 9))
            done = status in ("departed", "returned", "report_filed", "closed", "received")
            destinations = rng.sample(foreign, rng.choices([1, 2, 3], [6, 3, 1])[0])
            places = "、".join(str(countries.name(c)) for c in destinations)
            subject = self.pick(SUBJECTS_ZH)
            approved = status in ("approved", "departed", "returned", "report_filed", "closed")
            visit = Visit(
                direction=direction,
                title=(
                    f"赴{places}{subject}交流访问团" if outbound else f"{places}{subject}代表团来访"
                )
                + f"（{i + 1}）",
                purpose=f"考察{subject}教育，商谈合作项目。",
                trip_kind=rng.choice(list(Visit._meta.get_field("trip_kind").choices))[0],
                department=self.pick(DEPARTMENTS) if outbound else "",
                funding_source=rng.choice(["学校经费", "项目经费"]) if outbound else "",
                plan_line=self.pick(self.plan_lines) if outbound and rng.random() < 0.7 else None,
                off_plan_reason="对方临时邀请" if outbound and rng.random() < 0.3 else "",
                persons=rng.randint(1, 12) if not outbound else rng.randint(1, 6),
                destinations=destinations if outbound else [],
                planned_start=start,
                planned_end=end,
                actual_start=start if done else None,
                actual_end=end if done and status != "departed" else None,
                status=status,
                proposed_by=self.pick(self.liaisons),
                approval_number=f"粤外办〔{start.year}〕{i + 1}号" if outbound and approved else "",
                briefing_on=start - timedelta(days=7) if outbound and approved else None,
                pledge_signed_on=start - timedelta(days=7) if outbound and approved else None,
                cancel_reason="对方日程调整" if status == "cancelled" else "",
                report_summary="圆满完成访问任务。" if status in ("report_filed", "closed") else "",
                report_submitted_on=end + timedelta(days=10)
                if outbound and status in ("report_filed", "closed")
                else None,
                delegation="" if outbound else f"{places}{subject}代表团",
                nationality="" if outbound else destinations[0],
                host_department="" if outbound else self.pick(DEPARTMENTS),
                reception_plan="" if outbound else "座谈、参观实训中心。",
                outcome="",
            )
            visits.append(visit)
        self.visits = self.insert(Visit, visits)
        visit_type = ContentType.objects.get_for_model(Visit)
        for visit in self.visits:
            if visit.status != "draft":
                steps.append(
                    StateChange(
                        content_type=visit_type,
                        object_id=visit.pk,
                        transition=visit.status,
                        source="draft",
                        target=visit.status,
                        user=self.staff,
                        comment="",
                    )
                )
        StateChange.objects.bulk_create(steps, batch_size=BATCH_SIZE)
        self.created["foreign_affairs.StateChange"] = len(steps)
        self.link(
            Visit._meta.get_field("institutions"),
            [(visit, self.pick(self.institutions)) for visit in self.visits],
        )

        outbound = [visit for visit in self.visits if visit.direction == "outbound"] or self.visits
        members, counts = [], {}
        for i in range(n):
            visit = outbound[i % len(outbound)]
            position = counts.get(visit.pk, 0)
            counts[visit.pk] = position + 1
            leader = position == 0
            members.append(
                VisitMember(
                    visit=visit,
                    name=self.person(i // len(outbound) * 37 + i % 37)
                    + (f"{position}" if position > 30 else ""),
                    user=self.pick(self.liaisons) if leader and rng.random() < 0.3 else None,
                    role="leader" if leader else rng.choice(["member", "member", "interpreter"]),
                    unit=self.pick(DEPARTMENTS),
                    position="院长" if leader else rng.choice(["教师", "副教授", "教授", "科员"]),
                    is_unit_head=leader,
                    is_main_leader=leader and rng.random() < 0.2,
                )
            )
        self.insert(VisitMember, members)

        handed = [v for v in outbound if v.status in ("approved", "departed", "returned")]
        passports = []
        kinds = list(PassportCustody.Kind)
        for i in range(n):
            issued = self.day(9, 0)
            out = handed and rng.random() < 0.15
            visit = self.pick(handed) if out else None
            handed_on = visit.planned_start - timedelta(days=2) if visit else None
            passports.append(
                PassportCustody(
                    kind=rng.choices(kinds, [6, 3, 1])[0],
                    holder=self.person(i),
                    holder_user=self.pick(self.liaisons) if rng.random() < 0.1 else None,
                    passport_number=f"E{self.offset + i:08d}",
                    issued_on=issued,
                    expires_on=issued + timedelta(days=365 * 10 - 1),
                    status="handed_out" if visit else "in_custody",
                    visit=visit,
                    handed_out_on=handed_on,
                    due_back_on=(visit.planned_end + timedelta(days=7)) if visit else None,
                )
            )
        self.insert(PassportCustody, passports)

    # --- faculty -----------------------------------------------------------------------

    def faculty(self) -> None:
        rng, n = self.rng, self.n
        teachers = []
        nationalities = list(FOREIGN_PEOPLE)
        for i in range(n):
            code = self.pick(nationalities)
            families, givens = FOREIGN_PEOPLE[code]
            family = self.pick(families)
            subject = rng.randrange(len(SUBJECTS_ZH))
            teachers.append(
                ForeignTeacher(
                    family_name=family,
                    given_name=f"{self.pick(givens)} {chr(65 + (self.offset + i) % 26)}.",
                    chinese_name=f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[(i // 40) % len(GIVEN)]}"
                    if rng.random() < 0.6
                    else "",
                    gender=rng.choice(["female", "male"]),
                    # Unique with the name: one birthday per index (16,000 days apart).
                    date_of_birth=date(1955, 1, 1)
                    + timedelta(days=(self.offset + i) * 7919 % 16000),
                    nationality=code,
                    email=f"teacher{self.offset + i}@mail.example",
                    phone=f"+86 138{rng.randint(0, 99999999):08d}",
                    highest_degree=rng.choices(["bachelor", "master", "doctorate"], [5, 4, 1])[0],
                    degree_field=SUBJECTS_EN[subject],
                    degree_in_education_or_language=rng.random() < 0.3,
                    has_tefl_certificate=rng.random() < 0.5,
                    years_experience=rng.randint(0, 25),
                    native_language="English" if code in ("US", "GB", "AU", "CA") else "",
                    teaches_native_language=rng.random() < 0.4,
                    subjects=f"{SUBJECTS_ZH[subject]}英语、{SUBJECTS_ZH[subject]}专业课",
                    department=self.pick(DEPARTMENTS),
                    employment=rng.choices(["full_time", "part_time"], [4, 1])[0],
                    status=rng.choices(list(ForeignTeacher.Status), [1, 1, 6, 3])[0],
                    manager=self.pick(self.liaisons) if rng.random() < 0.6 else None,
                    notes="",
                )
            )
        self.teachers = self.insert(ForeignTeacher, teachers)
        self.link(
            ForeignTeacher._meta.get_field("assistants"),
            [(t, self.pick(self.liaisons)) for t in self.teachers if rng.random() < 0.3],
        )

        contracts = []
        for i in range(n):
            teacher = self.teachers[i % len(self.teachers)]
            start = self.day(7, 0.5)
            end = start + timedelta(days=365 * rng.randint(1, 2) - 1)
            contracts.append(
                Contract(
                    teacher=teacher,
                    position=f"{self.pick(SUBJECTS_ZH)}英语外籍教师",
                    start_on=start,
                    end_on=end,
                    weekly_hours=rng.choice([None, 12, 16, 20]),
                    status=rng.choices(list(Contract.Status), [1, 8, 3, 1])[0],
                )
            )
        self.insert(Contract, contracts)

        documents = []
        kinds = [k for k in IdentityDocument.Kind]
        for i in range(n):
            teacher = self.teachers[i % len(self.teachers)]
            kind = (
                kinds[i % len(kinds)] if i >= len(self.teachers) else IdentityDocument.Kind.PASSPORT
            )
            issued = self.day(6, 0)
            # Expiries spread around today: some expired, some expiring within 90 days.
            expires = self.today + timedelta(days=rng.randint(-3 * 365, 4 * 365))
            if expires < issued:
                issued = expires - timedelta(days=365)
            documents.append(
                IdentityDocument(
                    teacher=teacher,
                    kind=kind,
                    permit_class=rng.choice("ABC") if kind == "work_permit" else "",
                    number=f"{kind[:2].upper()}{self.offset + i:09d}",
                    issued_on=issued,
                    expires_on=expires if kind != "degree_certification" else None,
                )
            )
        self.insert(IdentityDocument, documents)

        checks = []
        for i in range(n):
            teacher = self.teachers[i % len(self.teachers)]
            year = self.today.year - rng.randint(0, 4)  # one check per teacher
            checks.append(
                QualificationCheck(
                    teacher=teacher,
                    year=year,
                    degree_verified=rng.random() < 0.9,
                    experience_verified=rng.random() < 0.9,
                    certificate_verified=rng.random() < 0.8,
                    health_verified=rng.random() < 0.8,
                    criminal_record_verified=rng.random() < 0.9,
                    result=rng.choices(list(QualificationCheck.Result), [2, 8, 1])[0],
                    reviewer=self.staff if rng.random() < 0.7 else None,
                    checked_on=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    notes="",
                )
            )
        self.insert(QualificationCheck, checks)

        changes = []
        for i in range(n):
            changed = self.day(4, 0)
            filed = changed + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.85 else None
            changes.append(
                TeacherChange(
                    teacher=self.pick(self.teachers),
                    kind=rng.choice(list(TeacherChange.Kind)),
                    changed_on=changed,
                    filed_on=filed if filed and filed <= self.today else None,
                    notes=f"{self.pick(SUBJECTS_ZH)}教研室通知（{i + 1}）",
                )
            )
        self.insert(TeacherChange, changes)

        incidents = []
        for i in range(n):
            happened = self.day(6, 0)
            resolved = happened + timedelta(days=rng.randint(1, 60)) if rng.random() < 0.7 else None
            incidents.append(
                Incident(
                    teacher=self.pick(self.teachers),
                    date=happened,
                    kind=rng.choice(list(Incident.Kind)),
                    description=f"{self.pick(SUBJECTS_ZH)}课堂教学中发生的情况（{i + 1}）",
                    resolution="已妥善处理。" if resolved else "",
                    resolved_on=resolved if resolved and resolved <= self.today else None,
                )
            )
        self.insert(Incident, incidents)

    # --- reports -----------------------------------------------------------------------

    def reports(self) -> None:
        rng, n = self.rng, self.n
        taken = set(AnnualReport._base_manager.values_list("year", flat=True))
        years = [y for y in range(self.today.year, 1999, -1) if y not in taken][:n]
        reports = []
        for year in years:
            approved = year < self.today.year
            approved_at = timezone.make_aware(datetime.combine(date(year + 1, 1, 20), time(10)))
            reports.append(
                AnnualReport(
                    year=year,
                    title=f"{settings.SCHOOL_NAME}{year}年外事工作总结及{year + 1}年工作计划",
                    preface="",
                    status="approved" if approved else "draft",
                    prepared_by=self.staff,
                    approved_by=self.leader if approved else None,
                    approved_at=approved_at if approved else None,
                    append_statistics=rng.random() < 0.5,
                )
            )
        self.annual_reports = self.insert(AnnualReport, reports)
        report_pool = self.annual_reports or list(AnnualReport._base_manager.all())
        parts = []
        for report in self.annual_reports:
            parts.append(
                ReportPart(report=report, kind="summary", title=f"{report.year}年工作总结", order=1)
            )
            parts.append(
                ReportPart(
                    report=report, kind="plan", title=f"{report.year + 1}年工作计划", order=2
                )
            )
        parts = self.insert(ReportPart, parts)
        sections = []
        topics = ["国际合作与交流", "外籍教师管理", "因公出国（境）管理", "学生交流", "外事培训"]
        for part in parts:
            for order in range(1, min(SECTIONS_PER_PART, n) + 1):
                topic = topics[(order - 1) % len(topics)]
                sections.append(
                    ReportSection(
                        part=part,
                        order=order,
                        title=topic,
                        body=f"本年度，学校{topic}工作稳步推进，{self.pick(SUBJECTS_ZH)}领域合作取得新进展。",
                    )
                )
        self.insert(ReportSection, sections)

        submissions = []
        for i in range(n):
            due = self.day(6, 0.5)
            submitted = due - timedelta(days=rng.randint(0, 10)) if due < self.today else None
            if submitted is None and rng.random() < 0.3:
                submitted = due - timedelta(days=3)
            kind = rng.choice(list(Submission.Kind))
            submissions.append(
                Submission(
                    title=f"{due.year}年{kind.label}报送（{self.pick(SUBJECTS_ZH)}，{i + 1}）",
                    authority=rng.choice(AUTHORITIES),
                    kind=kind,
                    due_on=due,
                    submitted_on=submitted if rng.random() < 0.9 else None,
                    report=self.pick(report_pool) if report_pool and rng.random() < 0.2 else None,
                    notes="",
                )
            )
        self.insert(Submission, submissions)

        trainings = []
        for i in range(n):
            count = rng.randint(1, 6)
            trainings.append(
                Training(
                    title=f"{rng.choice(TRAINING_TITLES)}（{i + 1}）",
                    kind=rng.choice(list(Training.Kind)),
                    organiser=rng.choice(ORGANISERS),
                    date=self.day(6, 0),
                    hours=Decimal(rng.randint(2, 16)) / 2,
                    attendees="\n".join(self.person(i * 5 + k) for k in range(count)),
                    attendee_count=count,
                )
            )
        self.insert(Training, trainings)
