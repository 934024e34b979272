"""The block editor of report bodies: the page as a plain form (no JavaScript), read back."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils.html import escape

from reports import block_forms
from reports.blocks import blocks_text, parse_blocks
from reports.models import ReportSection
from tests.factories import UserFactory, _FormDataParser
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

pytestmark = pytest.mark.django_db

# Every kind of block, a table with merged cells (across and down) and an escaped bar.
BODY = """学校领导高度重视外事工作，全年接待来访团组3批。

（一）健全审批流程。出访申请须经外事处审核。

| 类别 | 2022年 | 2023年 |
| 合计 | 3 | < |
| ^ | 4 | A\\|B |

〔主送〕各职业院校、各直属单位：

〔附件〕1、申报表
2、计划表

〔署名〕国际交流合作处

〔日期〕2023年12月20日"""
KINDS = ["paragraph", "paragraph", "table", "salutation", "attachments", "signature", "date"]


class EditorFormParser(_FormDataParser):
    """What a browser without JavaScript submits from the editor form of a page."""

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.in_form = dict(attrs).get("id") in {"editor-form", "report-form"}
            return
        super().handle_starttag(tag, attrs)


def form_data(response) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    parser = EditorFormParser()
    parser.feed(response.content.decode())
    assert parser.data, "no editor form in the page"
    return {name: values[-1] for name, values in parser.data.items()}


@pytest.fixture
def staff(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    return user


@pytest.fixture
def section(staff):
    return ReportSectionFactory(body=BODY)


def section_url(section):
    return reverse("reports:section_edit", args=[section.part.report.year, section.pk])


def post(client, section, data):
    response = client.post(section_url(section), data)
    section.refresh_from_db()
    return response


def errors_of(response) -> list[str]:
    return response.context["form"].errors.get("body", [])


def test_the_sample_body_is_in_the_stored_form():
    assert blocks_text(parse_blocks(BODY)) == BODY
    assert [block.kind for block in parse_blocks(BODY)] == KINDS


@pytest.mark.parametrize("page", ["section", "part", "report"])
def test_posting_the_page_back_unchanged_keeps_the_text(client, staff, page):
    section = ReportSectionFactory(body=BODY)
    part, report = section.part, section.part.report
    part.intro, report.preface = BODY, BODY
    part.save()
    report.save()
    obj, name, url = {
        "section": (section, "body", section_url(section)),
        "part": (part, "intro", reverse("reports:part_edit", args=[report.year, part.pk])),
        "report": (report, "preface", reverse("reports:annualreport_edit", args=[report.year])),
    }[page]
    data = form_data(client.get(url))
    assert data[f"{name}-count"] == str(len(KINDS) + 1)  # and an empty paragraph to add one
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    obj.refresh_from_db()
    assert getattr(obj, name) == BODY


def test_the_page_draws_each_kind(client, section):
    page = client.get(section_url(section)).content.decode()
    cards = page.split('<template class="block-template"')[0]  # not the models JavaScript copies
    kinds = re.findall(r'<fieldset class="card block-card[^>]*data-kind="(\w+)"', cards)
    assert kinds == [*KINDS, "paragraph"]  # the empty paragraph at the end
    for index, kind in enumerate(KINDS):
        assert re.search(rf'name="body-{index}-kind"[^>]*>.*?value="{kind}" selected', page, re.S)
    assert '<textarea class="form-control block-text" name="body-0-text"' in page
    assert "\n（一）健全审批流程。出访申请须经外事处审核。</textarea>" in page
    assert "\n1、申报表\n2、计划表</textarea>" in page
    assert "\n各职业院校、各直属单位：</textarea>" in page
    assert "\n国际交流合作处</textarea>" in page
    assert "\n2023年12月20日</textarea>" in page
    assert 'name="body-2-rows" value="3"' in page and 'name="body-2-cols" value="3"' in page
    assert 'name="body-2-cell-0-0" value="类别"' in page
    assert 'name="body-2-cell-2-2" value="A|B"' in page
    # Merged cells keep their marker, greyed, with the explanation as a tooltip.
    left = re.search(r'<input class="[^"]*block-merged"[^>]*name="body-2-cell-1-2"[^>]*>', page)
    up = re.search(r'<input class="[^"]*block-merged"[^>]*name="body-2-cell-2-0"[^>]*>', page)
    assert left and 'value="&lt;"' in left.group() and "title=" in left.group()
    assert up and 'value="^"' in up.group() and "title=" in up.group()
    assert 'name="body-count" value="8"' in page
    assert '<template class="block-template" data-kind="table">' in page
    assert "reports/block_editor.js" in page and "reports/block_editor.css" in page


def test_adding_a_table(client, section):
    data = form_data(client.get(section_url(section)))
    last = int(data["body-count"]) - 1  # the empty paragraph at the end becomes a table
    data[f"body-{last}-kind"] = "table"
    del data[f"body-{last}-text"]
    data.update({f"body-{last}-rows": "2", f"body-{last}-cols": "2"})
    cells = [["项目", "人数"], ["来访", "12"]]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            data[f"body-{last}-cell-{r}-{c}"] = value
    assert post(client, section, data).status_code == 302
    assert section.body == BODY + "\n\n| 项目 | 人数 |\n| 来访 | 12 |"


def test_a_paragraph_with_blank_lines_becomes_paragraphs(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-7-text"] = "第一段。\r\n\r\n（二）第二段。"
    assert post(client, section, data).status_code == 302
    texts = [block.text for block in parse_blocks(section.body)]
    assert texts[-2:] == ["第一段。", "（二）第二段。"]


def test_line_and_page_breaks_are_white_space(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-0-text"] = "第一行\x0b第二行\x0c第三行"  # as Word and text files break lines
    data["body-2-cell-0-0"] = "类\x0b别"
    assert post(client, section, data).status_code == 302
    assert section.body.startswith("第一行第二行第三行\n\n（一）")
    assert "| 类 别 |" in section.body


def test_moving_a_block_by_its_position(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-6-order"] = "0"  # the date first
    assert post(client, section, data).status_code == 302
    assert [block.kind for block in parse_blocks(section.body)] == ["date", *KINDS[:-1]]


def test_deleting_a_block(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-2-delete"] = "on"
    data["body-2-cell-0-0"] = "\x00"  # what a deleted block holds does not matter
    assert post(client, section, data).status_code == 302
    assert [block.kind for block in parse_blocks(section.body)] == KINDS[:2] + KINDS[3:]
    assert "| 类别" not in section.body


def test_emptied_blocks_are_dropped(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-0-text"] = "  "
    for r in range(3):
        for c in range(3):
            data[f"body-2-cell-{r}-{c}"] = ""
    assert post(client, section, data).status_code == 302
    assert [block.kind for block in parse_blocks(section.body)] == [KINDS[1], *KINDS[3:]]


def in_block(number, message) -> str:
    return block_forms.IN_BLOCK % {"number": number, "error": message}


ROWS, COLUMNS = block_forms.MAX_ROWS, block_forms.MAX_COLUMNS  # 200 × 20
TABLE_TOO_LARGE = block_forms.TABLE_TOO_LARGE % {"rows": ROWS, "columns": COLUMNS}
TOO_LONG = block_forms.TEXT_TOO_LONG % {"limit": 20_000}
TOO_MANY = block_forms.TOO_MANY_BLOCKS % {"limit": 500}
INCOMPLETE = block_forms.INCOMPLETE
NUL = ProhibitNullCharactersValidator.message


@pytest.mark.parametrize(
    ("change", "number", "message"),
    [
        ({"body-1-kind": "evil"}, 2, block_forms.UNKNOWN_KIND),
        ({"body-2-rows": "-1"}, 3, INCOMPLETE),
        ({"body-2-rows": str(10**30)}, 3, INCOMPLETE),
        ({"body-2-cols": "abc"}, 3, INCOMPLETE),
        ({"body-2-rows": str(ROWS + 1)}, 3, TABLE_TOO_LARGE),
        ({"body-2-cell-5-1": "外"}, 3, block_forms.RESIZED),  # outside the table's size
        ({"body-2-cell-999-1": "外"}, None, INCOMPLETE),  # outside any table
        ({"body-2-cell-x-1": "外"}, None, INCOMPLETE),
        ({"body-9-kind": "paragraph"}, None, INCOMPLETE),  # a block beyond the count
        ({"body-2-cell-1-1": "3\x00"}, 3, NUL),
        ({"body-0-text": "外事\x00工作"}, 1, NUL),
        ({"body-0-text": "外事\x07工作"}, 1, block_forms.CONTROL_CHARACTER),
        ({"body-0-text": "外" * 20_001}, 1, TOO_LONG),
        ({"body-0-order": "1.5"}, 1, INCOMPLETE),
        ({"body-0-order": str(10**30)}, 1, INCOMPLETE),
        ({"body-count": "-1"}, None, INCOMPLETE),
        ({"body-count": str(10**30)}, None, INCOMPLETE),
        ({"body-count": "502"}, None, TOO_MANY),
        ({"body-count": "9"}, 9, INCOMPLETE),  # one block more than sent
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(client, section, change, number, message):
    data = form_data(client.get(section_url(section)))
    data.update(change)
    version = section.version
    response = post(client, section, data)
    assert response.status_code == 200
    expected = str(message) if number is None else in_block(number, message)
    assert expected in errors_of(response)
    assert (section.body, section.version) == (BODY, version)
    assert escape(expected) in response.content.decode()


@pytest.mark.parametrize("missing", ["body-0-kind", "body-0-order", "body-0-text", "body-2-rows"])
def test_a_missing_field_is_a_form_error(client, section, missing):
    data = form_data(client.get(section_url(section)))
    del data[missing]
    if missing == "body-2-rows":
        del data["body-2-cols"]  # neither size nor text: nothing to read the table from
    response = post(client, section, data)
    assert response.status_code == 200
    assert errors_of(response)
    assert section.body == BODY


def test_without_the_count_the_body_is_not_wiped(client, section):
    data = form_data(client.get(section_url(section)))
    del data["body-count"]
    response = post(client, section, data)
    assert response.status_code == 200
    assert errors_of(response) == [str(INCOMPLETE)]
    assert section.body == BODY


def test_more_than_500_blocks_are_refused(client, section, settings):
    # 501 blocks are more fields than Django's default DATA_UPLOAD_MAX_NUMBER_FIELDS (1000).
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000
    data = {"title": section.title, "version": section.version, "body-count": "501"}
    for index in range(501):
        data.update(
            {f"body-{index}-kind": "paragraph", f"body-{index}-order": str(index)}
            | {f"body-{index}-text": f"第{index}段。"}
        )
    response = post(client, section, data)
    assert response.status_code == 200
    assert TOO_MANY in errors_of(response)
    assert section.body == BODY
    data["body-500-text"] = ""  # 500 blocks and an empty one are fine
    assert post(client, section, data).status_code == 302
    assert len(parse_blocks(section.body)) == 500


def test_a_stale_version_is_refused_as_before(client, section):
    data = form_data(client.get(section_url(section)))
    ReportSection.objects.get(pk=section.pk).save()  # someone else saved in between
    data["body-0-text"] = "改过的第一段。"
    response = post(client, section, data)
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert section.body == BODY


def test_without_javascript_a_kind_change_shows_the_new_content_first(client, section):
    data = form_data(client.get(section_url(section)))
    data["body-7-kind"] = "table"  # the empty paragraph at the end
    data["body-0-kind"] = "table"  # a paragraph becomes a one-column table
    data["body-2-kind"] = "paragraph"  # the table becomes a text
    response = post(client, section, data)
    assert response.status_code == 200
    assert errors_of(response) == [
        in_block(number, block_forms.KIND_CHANGED) for number in (1, 3, 8)
    ]
    assert section.body == BODY
    page = response.content.decode()
    assert 'name="body-7-rows" value="3"' in page and 'name="body-7-cell-2-2" value=""' in page
    assert 'name="body-0-cols" value="1"' in page
    assert "\n类别 2022年 2023年\n合计 3\n4 A|B</textarea>" in page
    again = form_data(response)
    again["body-7-cell-0-0"] = "新表"
    assert post(client, section, again).status_code == 302
    assert section.body.endswith("\n\n| 新表 |  |  |")
    first = parse_blocks(section.body)[0]
    assert (first.kind, first.rows) == ("table", [[BODY.split("\n")[0]]])


def test_without_javascript_a_table_is_resized_by_its_size_inputs(client, section):
    data = form_data(client.get(section_url(section)))
    data.update({"body-2-rows": "4", "body-2-cols": "2"})  # one row more, one column less
    response = post(client, section, data)
    assert response.status_code == 200
    assert errors_of(response) == [in_block(3, block_forms.RESIZED)]
    again = form_data(response)
    assert "body-2-cell-0-2" not in again and again["body-2-cell-3-1"] == ""
    again.update({"body-2-cell-3-0": "总计", "body-2-cell-3-1": "7"})
    assert post(client, section, again).status_code == 302
    assert "| 类别 | 2022年 |\n| 合计 | 3 |\n| ^ | 4 |\n| 总计 | 7 |" in section.body


def test_the_body_posted_as_plain_text_is_still_read(client, section):
    response = post(
        client, section, {"title": section.title, "version": section.version, "body": "一段。\r\n"}
    )
    assert response.status_code == 302
    assert section.body == "一段。"


@pytest.mark.parametrize("paragraphs", [0, 200])
def test_section_page_queries(client, section, django_assert_num_queries, paragraphs):
    # Session, user, permissions (2), report and its status (twice: the view reads the report
    # again to render), section, groups (menu), inbox count; none for the blocks, however many.
    section.body = BODY + "".join(f"\n\n第{n}段。" for n in range(paragraphs))
    section.save()
    with django_assert_num_queries(11):
        assert client.get(section_url(section)).status_code == 200


def test_parse_integer_is_defensive():
    parse = block_forms.parse_integer
    assert parse("12", 0, 60) == 12 and parse(" 3 ", 0, 60) == 3
    for bad in (None, "", "-1", "61", "1e3", "0x10", "１２", str(10**30), ["1"], "1" * 25):
        assert parse(bad, 0, 60) is None, bad


def test_the_editor_for_an_empty_report_and_part(client, staff):
    report = AnnualReportFactory()
    part = ReportPartFactory(report=report)
    data = form_data(client.get(reverse("reports:part_edit", args=[report.year, part.pk])))
    assert data["intro-count"] == "1" and data["intro-0-text"] == ""
    data["intro-0-text"] = "本年度概述。"
    url = reverse("reports:part_edit", args=[report.year, part.pk])
    assert client.post(url, data).status_code == 302
    part.refresh_from_db()
    assert part.intro == "本年度概述。"


def test_a_table_of_the_largest_size(client, section):
    # 200 × 20 cells fit the portal's DATA_UPLOAD_MAX_NUMBER_FIELDS (Django's default is 1000).
    data = form_data(client.get(section_url(section)))
    data.update({"body-7-kind": "table", "body-7-rows": str(ROWS), "body-7-cols": str(COLUMNS)})
    del data["body-7-text"]
    data.update({f"body-7-cell-{r}-{c}": f"{r}.{c}" for r in range(ROWS) for c in range(COLUMNS)})
    assert post(client, section, data).status_code == 302
    assert parse_blocks(section.body)[-1].rows[ROWS - 1][COLUMNS - 1] == f"{ROWS - 1}.{COLUMNS - 1}"


def test_the_editor_overview_shows_bodies_without_markers():
    from reports.templatetags.report_blocks import plain_body

    text = "〔主送〕各单位：\n\n| 类别 | 2023年 |\n| 合计 | 5 |\n\n〔署名〕国际交流合作处"
    assert plain_body(text) == "各单位： 类别｜2023年 合计｜5 国际交流合作处"
