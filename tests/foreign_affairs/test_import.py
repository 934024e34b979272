"""Excel import: a preview shows every row's errors; one bad row and nothing is imported."""

import html
import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from exchanges.models import Participant
from faculty.models import ForeignTeacher
from foreign_affairs.imports import MAX_UPLOAD_BYTES, XLSX_MIME
from partners.models import Institution
from tests.exchanges.factories import ExchangeProjectFactory, ParticipantFactory
from tests.faculty.factories import ForeignTeacherFactory
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

INSTITUTION_URL = "/partners/import/"
TEACHER_URL = "/faculty/import/"
PARTICIPANT_URL = "/exchanges/participants/import/"
INSTITUTION_HEADERS = ["中文名", "英文名称", "类型", "国家/地区", "城市", "状态", "合作起始日期"]
PARTICIPANT_HEADERS = ["项目", "姓名", "类型", "学号/工号", "方向", "开始日期", "结束日期"]


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_MIME)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def in_chinese(source: str, **params) -> str:
    with translation.override("zh-hans"):
        return _(source) % params


def row_error(row: int, column: str) -> str:
    """Return how the preview starts an error of `row` and `column` (the message follows)."""
    return in_chinese(
        "Row %(row)d, column “%(column)s”: %(message)s", row=row, column=column, message=""
    )


@pytest.fixture
def user_in(django_user_model):
    def make(role: str):
        user = django_user_model.objects.create_user(f"user-{role}", password="x-Secret-42")
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def staff(client, user_in):
    user = user_in("office_staff")
    client.force_login(user)
    return user


def preview(client, url: str, rows) -> object:
    return client.post(url, {"file": upload(xlsx_bytes(rows))})


def confirm(client, url: str, response) -> object:
    return client.post(url, {"token": response.context["token"]})


def test_good_institution_workbook_previews_then_imports(client, staff):
    InstitutionFactory(name_zh="香港大学", country="MY", kind=Institution.Kind.COLLEGE)
    rows = [
        INSTITUTION_HEADERS,
        [
            "澳门科技大学",
            "Macau University of Science and Technology",
            "大学",
            "中国澳门",
            "澳门",
            "合作中",
            datetime(2021, 3, 5),
        ],
        ["庆北专门大学", "Kyungpook College", "college", "韩国", "大邱", "prospective", "2021/3/5"],
        ["香港大学", "The University of Hong Kong", "大学", "HK", "香港", "洽谈中", "2021年3月5日"],
    ]

    response = preview(client, INSTITUTION_URL, rows)

    assert response.status_code == 200
    result = response.context["preview"]
    assert result.ok and result.counts == {"new": 2, "update": 1, "error": 0}
    assert [row.number for row in result.rows] == [2, 3, 4]
    # The preview shows what will be stored: labels and codes mapped, dates read.
    cells = [text for text, _bad in result.rows[1].cells]
    assert cells[2:4] == [in_chinese("college"), in_chinese("South Korea")]
    assert cells[6] == "2021-03-05"
    assert 'id="confirm-button"' in response.content.decode()
    assert Institution.objects.count() == 1  # a preview writes nothing

    response = confirm(client, INSTITUTION_URL, response)

    assert response.status_code == 302 and response["Location"] == "/partners/"
    assert Institution.objects.count() == 3
    macau = Institution.objects.get(name_zh="澳门科技大学")
    assert (macau.kind, macau.country.code, macau.status) == ("university", "MO", "active")
    assert macau.since == date(2021, 3, 5)
    korea = Institution.objects.get(name_zh="庆北专门大学")
    assert (korea.kind, korea.country.code, korea.since) == ("college", "KR", date(2021, 3, 5))
    hong_kong = Institution.objects.get(name_zh="香港大学")
    assert (hong_kong.country.code, hong_kong.kind, hong_kong.version) == ("HK", "university", 2)
    assert {record.history_user for record in Institution.history.all()[:3]} == {staff}
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        in_chinese(
            "Imported %(new)d new and updated %(update)d existing %(models)s.",
            new=2,
            update=1,
            models=in_chinese("institutions"),
        )
    ]


@pytest.mark.parametrize(
    ("url", "rows", "column"),
    [
        pytest.param(
            INSTITUTION_URL,
            [
                INSTITUTION_HEADERS,
                ["甲大学", "", "大学", "韩国", "", "合作中", ""],
                ["乙大学", "", "大学", "火星国", "", "合作中", ""],
            ],
            "国家/地区",
            id="unknown-country",
        ),
        pytest.param(
            INSTITUTION_URL,
            [
                INSTITUTION_HEADERS,
                ["甲大学", "", "大学", "韩国", "", "", ""],
                ["甲大学", "", "学院", "日本", "", "", ""],
            ],
            "中文名",
            id="chinese-name-twice-in-file",
        ),
        pytest.param(
            PARTICIPANT_URL,
            [
                PARTICIPANT_HEADERS,
                ["护理交换项目", "张三", "学生", "2023001", "出访", "2025-09-01", "2026-01-31"],
                ["护理交换项目", "李四", "学生", "2023002", "出访", "2025-09-01", "2025-08-31"],
            ],
            "结束日期",
            id="end-before-start",
        ),
        pytest.param(
            PARTICIPANT_URL,
            [
                PARTICIPANT_HEADERS,
                ["护理交换项目", "张三", "学生", "2023001", "出访", "", ""],
                ["不存在的项目", "李四", "学生", "2023002", "出访", "", ""],
            ],
            "项目",
            id="unknown-project",
        ),
        pytest.param(
            PARTICIPANT_URL,
            [
                PARTICIPANT_HEADERS,
                ["护理交换项目", "张三", "学生", "2023001", "", "", ""],
                ["护理交换项目", "李四", "学生", "2023001", "", "", ""],
            ],
            "学号/工号",
            id="number-twice-in-project",
        ),
        pytest.param(
            TEACHER_URL,
            [
                ["姓（与护照一致）", "名（与护照一致）", "国籍", "出生日期"],
                ["Smith", "Anna", "英国", "1988-06-01"],
                ["Brown", "Tom", "美国", "1988年2月30日"],
            ],
            "出生日期",
            id="impossible-date",
        ),
    ],
)
def test_import_a_workbook_with_one_bad_row_imports_nothing_and_names_the_row_and_column(
    client, staff, url, rows, column
):
    ExchangeProjectFactory(name="护理交换项目")
    models = (Institution, Participant, ForeignTeacher)
    before = [model.objects.count() for model in models]

    response = preview(client, url, rows)

    assert response.status_code == 200
    result = response.context["preview"]
    assert not result.ok and result.counts["error"] == 1
    assert [(error.row, error.column) for error in result.errors] == [(3, column)]
    text = page_text(response)
    assert row_error(3, column) in text
    assert f'data-row="3" data-column="{column}"' in text
    assert 'id="confirm-button"' not in text and not response.context["token"]

    # Forged confirmations: an invented token, and the bad file sent along with one.
    client.post(url, {"token": "forged"})
    client.post(url, {"token": "forged", "file": upload(xlsx_bytes(rows))})

    assert [model.objects.count() for model in models] == before
    assert not any(model.history.exists() for model in models)


def test_every_error_of_a_row_is_listed(client, staff):
    rows = [INSTITUTION_HEADERS, ["", "", "大楼", "火星国", "", "", "2021-02-30"]]

    result = preview(client, INSTITUTION_URL, rows).context["preview"]

    assert sorted(error.column for error in result.errors) == sorted(
        ["中文名", "类型", "国家/地区", "合作起始日期"]
    )
    assert not Institution.objects.exists()


NOT_XLSX = (
    "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook (*.xlsx)” "
    "and upload it again."
)


def _zip_without_workbook() -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("中文名,国家/地区\n甲大学,韩国\n".encode(), NOT_XLSX, id="csv-renamed"),
        pytest.param(_zip_without_workbook(), NOT_XLSX, id="zip-but-not-xlsx"),
        pytest.param(b"", None, id="empty-file"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "This is an old Excel 97–2003 (.xls) file. Open it in Excel, save it as “Excel "
            "Workbook (*.xlsx)” and upload that file.",
            id="old-xls",
        ),
        pytest.param(
            xlsx_bytes([]),
            "The workbook is empty: row 1 must hold the column headers.",
            id="empty-workbook",
        ),
        pytest.param(
            xlsx_bytes([INSTITUTION_HEADERS]),
            "The workbook has no data rows below the header row.",
            id="header-only",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_workbook_is_refused(client, staff, content, message):
    response = client.post(INSTITUTION_URL, {"file": upload(content)})

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    if message:
        assert errors == [in_chinese(message)]
    else:
        assert errors  # Django's own "the submitted file is empty"
    assert errors[0] in page_text(response)
    assert "preview" not in response.context
    assert not Institution.objects.exists()


def test_a_missing_required_column_is_named(client, staff):
    rows = [["中文名", "城市"], ["甲大学", "首尔"]]

    response = preview(client, INSTITUTION_URL, rows)

    expected = in_chinese(
        "Required columns are missing: %(columns)s. Row 1 must hold the column headers; download "
        "the template to see them.",
        columns="“国家/地区”",
    )
    assert response.context["form"].errors["file"] == [expected]
    assert not Institution.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, staff):
    content = xlsx_bytes([INSTITUTION_HEADERS]) + b"\0" * MAX_UPLOAD_BYTES

    response = client.post(INSTITUTION_URL, {"file": upload(content)})

    expected = in_chinese(
        "The file is larger than %(max)d MB; split it into smaller workbooks.", max=5
    )
    assert response.context["form"].errors["file"] == [expected]


def test_the_template_holds_the_header_row_and_imports_back(client, staff):
    response = client.get(INSTITUTION_URL, {"template": "1"})

    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["中文名", "英文名称", "简称", "类型"] and "国家/地区" in headers
    assert sheet.max_row == 1

    sheet.append(["甲大学", "", "", "大学", "韩国"])
    output = BytesIO()
    sheet.parent.save(output)
    response = client.post(INSTITUTION_URL, {"file": upload(output.getvalue())})
    confirm(client, INSTITUTION_URL, response)

    assert Institution.objects.get().country.code == "KR"


def test_field_names_work_as_headers_too(client, staff):
    rows = [["name_zh", "country", "kind"], ["甲大学", "Macau, China", "hospital"]]

    confirm(client, INSTITUTION_URL, preview(client, INSTITUTION_URL, rows))

    assert Institution.objects.values_list("country", "kind").get() == ("MO", "hospital")


def test_teachers_import_and_update_by_name_and_date_of_birth(client, staff):
    ForeignTeacherFactory(family_name="Smith", given_name="Anna", date_of_birth=date(1988, 6, 1))
    rows = [
        [
            "姓（与护照一致）",
            "名（与护照一致）",
            "出生日期",
            "国籍",
            "性别",
            "最高学位",
            "TEFL/TESOL/CELTA证书",
        ],
        ["Smith", "Anna", datetime(1988, 6, 1), "英国", "女", "硕士学位", "是"],
        ["Kim", "Minji", "1990/7/8", "KR", "female", "bachelor", "否"],
    ]

    response = preview(client, TEACHER_URL, rows)
    assert response.context["preview"].counts == {"new": 1, "update": 1, "error": 0}
    confirm(client, TEACHER_URL, response)

    assert ForeignTeacher.objects.count() == 2
    smith = ForeignTeacher.objects.get(family_name="Smith")
    assert (smith.highest_degree, smith.has_tefl_certificate) == ("master", True)
    kim = ForeignTeacher.objects.get(family_name="Kim")
    assert (kim.nationality.code, kim.date_of_birth, kim.gender) == (
        "KR",
        date(1990, 7, 8),
        "female",
    )


def test_participants_reference_their_project_by_name(client, staff):
    project = ExchangeProjectFactory(name="护理交换项目")
    ParticipantFactory(project=project, name="张三", number="2023001", department="护理2301班")
    rows = [
        PARTICIPANT_HEADERS,
        ["护理交换项目", "张三", "学生", "2023001", "出访", "2025-09-01", "2026-01-31"],
        ["护理交换项目", "李老师", "教师", "", "来访", "", ""],
    ]

    response = preview(client, PARTICIPANT_URL, rows)
    assert response.context["preview"].counts == {"new": 1, "update": 1, "error": 0}
    confirm(client, PARTICIPANT_URL, response)

    assert project.participants.count() == 2
    teacher = project.participants.get(name="李老师")
    assert (teacher.kind, teacher.direction, teacher.number) == ("teacher", "inbound", "")
    zhang = project.participants.get(number="2023001")
    assert zhang.end_on == date(2026, 1, 31) and zhang.department == "护理2301班"


def test_confirmation_checks_again_and_imports_nothing_when_data_changed(client, staff):
    project = ExchangeProjectFactory(name="护理交换项目")
    rows = [
        PARTICIPANT_HEADERS,
        ["护理交换项目", "张三", "学生", "2023001", "出访", "", ""],
        ["护理交换项目", "李四", "学生", "2023002", "出访", "", ""],
    ]
    response = preview(client, PARTICIPANT_URL, rows)
    assert response.context["preview"].ok
    project.delete()

    response = confirm(client, PARTICIPANT_URL, response)

    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["preview"].errors] == [
        (2, "项目"),
        (3, "项目"),
    ]
    assert not Participant.objects.exists()


def test_a_confirmation_token_works_once(client, staff):
    rows = [INSTITUTION_HEADERS, ["甲大学", "", "大学", "韩国", "", "", ""]]
    response = preview(client, INSTITUTION_URL, rows)

    confirm(client, INSTITUTION_URL, response)
    again = confirm(client, INSTITUTION_URL, response)

    assert again.status_code == 302 and again["Location"] == INSTITUTION_URL
    assert Institution.objects.count() == 1


@pytest.mark.parametrize("url", [INSTITUTION_URL, TEACHER_URL, PARTICIPANT_URL])
@pytest.mark.parametrize(
    ("role", "status"), [("leadership", 403), ("liaison", 403), ("office_staff", 200)]
)
def test_only_users_who_may_add_records_may_import(client, user_in, url, role, status):
    client.force_login(user_in(role))

    assert client.get(url).status_code == status
    assert client.get(url, {"template": "1"}).status_code == status
    rows = [INSTITUTION_HEADERS, ["甲大学", "", "大学", "韩国", "", "", ""]]
    assert preview(client, url, rows).status_code == status
    assert not Institution.objects.exists()


@pytest.mark.parametrize("url", [INSTITUTION_URL, TEACHER_URL, PARTICIPANT_URL])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("list_url", "import_url"),
    [
        ("partners:institution_list", INSTITUTION_URL),
        ("faculty:foreignteacher_list", TEACHER_URL),
        ("exchanges:participant_list", PARTICIPANT_URL),
    ],
)
def test_the_list_offers_the_import_to_staff_only(client, user_in, list_url, import_url):
    client.force_login(user_in("office_staff"))
    assert f'href="{import_url}"' in client.get(reverse(list_url)).content.decode()

    client.force_login(user_in("leadership"))
    assert f'href="{import_url}"' not in client.get(reverse(list_url)).content.decode()
