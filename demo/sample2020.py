"""The office's 2020, from its report (reports/samples/sample-report-2020.txt): the history
under the living demo (demo/office.py).

Every institution, project and interaction here is one the sample report talks about. The
rows keep their 2020 dates; what has changed since (agreements renewed, projects resumed
after the pandemic) is built on today's date by demo/office.py.
"""

from datetime import date

from exchanges.models import ExchangeProject
from partners.models import Agreement, Institution, Interaction
from reports.models import Submission, Training

PANDEMIC = "新冠肺炎疫情，出入境受限"

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
            "status": Agreement.Status.EXPIRED,  # renewed: demo/office.py
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
            "status": Agreement.Status.EXPIRED,  # renewed: demo/office.py
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
        "status": ExchangeProject.Status.ACTIVE,  # suspended in 2020 (PANDEMIC), resumed
        "start_on": date(2019, 3, 1),
        "goals": "互派师生交换学习，开展教学合作与学术交流。",
        "outcomes": "2020年起受新冠肺炎疫情影响暂停实地交流，疫情后恢复师生互访。",
    },
    {
        "name": "澳门镜湖护理学院交流学习项目",
        "kind": ExchangeProject.Kind.STUDENT_EXCHANGE,
        "partners": ["澳门镜湖护理学院"],
        "agreement": "肇庆医学高等专科学校与澳门镜湖护理学院友好合作协议",
        "lead_department": "护理学院",
        "status": ExchangeProject.Status.ACTIVE,  # suspended in 2020 (PANDEMIC), resumed
        "start_on": date(2019, 9, 1),
        "goals": "开展交换学习与拓展培训，探讨更深层次的合作。",
        "outcomes": "2020年起受新冠肺炎疫情影响暂停实地交流，疫情后恢复交换学习。",
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
        "status": ExchangeProject.Status.PLANNING,  # waiting for the authorities' permission
        "yearly_quota": 20,
        "goals": "通过学分转移，内地和澳门3+2模式开展课程衔接，成为粤港澳大湾区院校合作的典范。",
    },
    {
        "name": "中医技术鲁班工坊",
        "kind": ExchangeProject.Kind.TECHNICAL_TRAINING,
        "partners": ["迪拜上海中医诊所（连锁机构）"],
        "agreement": None,
        "lead_department": "中医学院",
        "status": ExchangeProject.Status.SUSPENDED,
        "status_reason": "对方机构调整海外布局，合作暂缓推进",
        "goals": "为“一带一路”沿线国家培训中医药健康服务人才，传播中医药文化和技术。",
    },
]

PARTICIPANTS = [
    # fictional students of the Singapore programme, in training during 2020; none could go
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
        "cancel_reason": PANDEMIC,  # cancelled through the workflow
    },
    {
        "title": "赴澳门镜湖护理学院洽谈联合培养",
        "plan": (2020, 10),
        "destinations": ["MO"],
        "institutions": ["澳门镜湖护理学院"],
        "persons": 3,
        "planned_start": date(2020, 10, 19),
        "planned_end": date(2020, 10, 22),
        "cancel_reason": PANDEMIC,  # cancelled through the workflow
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
    (
        "2021年因公出访计划",
        "肇庆市外事办公室",
        Submission.Kind.VISIT_PLAN,
        date(2021, 1, 20),
        date(2021, 1, 18),
    ),
]
