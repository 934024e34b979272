"""Importing a report from .txt or .docx: decoding, structure, joined lines, refusals."""

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from reports.importer import (
    ReportImportError,
    normalize_line,
    parse_report,
    parse_report_text,
    read_report_file,
    report_import,
)
from reports.models import AnnualReport, ReportPart, ReportSection
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

SAMPLE = Path(__file__).resolve().parents[2] / "reports" / "samples" / "sample-report-2020.txt"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
TITLE = "肇庆医学高等专科学校2020年外事工作总结及2021年工作计划"
# The three places where a copy from PDF/Word broke a sentence, as they read once joined.
JOINED = (
    "保持师生友好沟通关系。",
    "成为目前国内第九所代招院校，也是广东省唯一一所获该项目合作资格的院校。",
    "学校将继续与韩国庆北专门大学、澳门镜湖护理学院加深沟通",
)


@pytest.fixture(autouse=True)
def _english():
    """Match the English source messages (the Chinese ones come from the catalogue)."""
    with translation.override("en"):
        yield


def zipped(name: str, content: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def sample_docx(path: Path, text: str = SAMPLE_TEXT) -> Path:
    """Save the sample as a Word document, one paragraph per line, as Word users paste it."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def encoded_samples(tmp_path: Path) -> dict[str, Path]:
    variants = {
        "utf8.txt": SAMPLE_TEXT.encode("utf-8"),
        "utf8-bom.txt": SAMPLE_TEXT.encode("utf-8-sig"),
        "gb18030-crlf.txt": SAMPLE_TEXT.replace("\n", "\r\n").encode("gb18030"),
        "utf16.txt": SAMPLE_TEXT.encode("utf-16"),
    }
    paths = {}
    for name, data in variants.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    paths["sample.docx"] = sample_docx(tmp_path / "sample.docx")
    return paths


def all_paragraphs(parsed) -> list[str]:
    texts = [parsed.preface]
    for part in parsed.parts:
        texts.append(part.intro)
        texts.extend(section.body for section in part.sections)
    return [p for text in texts for p in text.split("\n\n") if p]


# --- parsing the sample -----------------------------------------------------------------------


def test_sample_structure():
    parsed = parse_report_text(SAMPLE_TEXT)
    assert parsed.title == TITLE
    assert parsed.preface.startswith("2021年正在开启“十四五”规划的开关之年")
    assert parsed.preface.endswith("现将学校外事工作情况汇报如下：")
    summary, plan = parsed.parts
    assert (summary.kind, summary.title) == (ReportPart.Kind.SUMMARY, "2020年学校外事工作总结")
    assert (plan.kind, plan.title) == (ReportPart.Kind.PLAN, "2021年学校外事工作计划")
    assert summary.intro == ""
    assert plan.intro.startswith("2021年，学校继续以“创建广东公共卫生与健康医学院”为目标")
    assert [s.title for s in summary.sections] == [
        "加强领导建设，统筹协调规定涉外管理",
        "积极探索国际化办学模式",
        "科学规范做好外教管理工作",
        "继续做好对外交流项目，不断提高办学水平与质量",
        "认真规范，做好外事常规工作",
        "重视外事纪律教育，确保外事安全",
        "存在问题",
    ]
    assert [s.title for s in plan.sections] == [
        "强化培训，增强部门业务水平",
        "注重学习交流，加强纵向与横向联系。",
        "把握机遇，继续开展外交流项目。",
        "积极探索，积累资源开辟新的对外合作项目",
    ]
    assert [len(s.body.split("\n\n")) for s in summary.sections] == [1, 2, 2, 2, 1, 1, 1]
    assert [len(s.body.split("\n\n")) for s in plan.sections] == [1, 1, 1, 2]


def test_sample_broken_lines_are_joined():
    paragraphs = all_paragraphs(parse_report_text(SAMPLE_TEXT))
    for fragment in JOINED:
        assert any(fragment in paragraph for paragraph in paragraphs), fragment
    # Every paragraph of the sample ends a sentence once the three cuts are mended.
    assert all(p.endswith(("。", "：")) for p in paragraphs), [p[-10:] for p in paragraphs]
    assert len(paragraphs) == 1 + 1 + 10 + 5  # preface, plan intro, summary and plan bodies


def test_sample_spaces_are_normalised():
    parsed = parse_report_text(SAMPLE_TEXT)
    everything = "\n".join([parsed.title, *all_paragraphs(parsed)])
    assert " " not in everything
    assert "2020年" in everything and "2020 年" not in everything
    assert "聘请1名外教" in everything


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("肇庆医学高等专科学校 2020 年外事工作总结 及 2021 年工作计划", TITLE),
        ("\u3000\u3000学校领导高度重视。", "学校领导高度重视。"),
        ("与 Kyungbuk  College 签订协议", "与 Kyungbuk College 签订协议"),
        ("共 ３ 名教师，２０２０年", "共3名教师，2020年"),
        ("(一) 加强组织领导", "(一)加强组织领导"),
        ("1． 建立制度", "1．建立制度"),
        ("1、 按照教学大纲", "1、按照教学大纲"),
        ("1. To teach", "1. To teach"),
        ("a 口语课程", "a 口语课程"),
        ("联系人：周明　 联系电话", "联系人：周明　联系电话"),
        ("“一带一路” 沿线", "“一带一路”沿线"),
    ],
)
def test_normalize_line(line, expected):
    assert normalize_line(line) == expected


# --- joining lines, never a heading ---------------------------------------------------------


def test_heading_only_lines_are_never_joined():
    text = "\n".join(
        [
            "某校2020年外事工作总结",
            "第一部分 工作总结",
            "一、加强组织领导",
            "（一）健全工作机制",
            "学校成立外事工作领导小组，由校长任组长，统筹全校对外交流工作",
            "1.完善制度",
            "修订外事管理办法和因公出国（境）管理规定，明确审批流程和责任分工",
            "二、存在问题",
            "对外交流项目偏少",
        ]
    )
    parsed = parse_report_text(text)
    (part,) = parsed.parts
    assert part.title == "工作总结"
    first, second = part.sections
    assert first.title == "加强组织领导"
    assert first.body.split("\n\n") == [
        "（一）健全工作机制",
        "学校成立外事工作领导小组，由校长任组长，统筹全校对外交流工作",
        "1.完善制度",
        "修订外事管理办法和因公出国（境）管理规定，明确审批流程和责任分工",
    ]
    assert (second.title, second.body) == ("存在问题", "对外交流项目偏少")


def test_broken_lines_are_joined_across_blank_lines_and_in_lead_ins():
    text = "\n".join(
        [
            "一、对外交流",
            "（一）学校领导高度重视外事工作开展，不断加强领导建设，进一步完善外事",
            "",
            "联动机制。",
            "本年度学校与韩国庆北专门大学保持联系，双方约定疫情结束后继续开展师",
            "生交流与学术合作，并商定",
            "",
            "，互派教师。",
        ]
    )
    (part,) = parse_report_text(text).parts
    assert part.sections[0].body.split("\n\n") == [
        "（一）学校领导高度重视外事工作开展，不断加强领导建设，进一步完善外事联动机制。",
        "本年度学校与韩国庆北专门大学保持联系，双方约定疫情结束后继续开展师生交流与学术合作，"
        "并商定，互派教师。",
    ]


def test_short_lines_without_punctuation_stay_apart():
    # An unnumbered heading, a signature and a date are not a sentence cut in two.
    text = "\n".join(
        [
            "一、总结",
            "存在问题",
            "对外交流项目偏少，教师出国（境）培训机会不多，需要进一步拓展。",
            "肇庆医学高等专科学校外事办公室",
            "2021年1月15日",
        ]
    )
    (part,) = parse_report_text(text).parts
    assert part.sections[0].body.split("\n\n") == [
        "存在问题",
        "对外交流项目偏少，教师出国（境）培训机会不多，需要进一步拓展。",
        "〔署名〕肇庆医学高等专科学校外事办公室",
        "〔日期〕2021年1月15日",
    ]


def test_title_broken_before_ji_is_one_title():
    parsed = parse_report_text(
        "肇庆医学高等专科学校2020年外事工作总结\n及2021年工作计划\n\n一、总结\n工作顺利。"
    )
    assert parsed.title == TITLE


def test_heading_with_its_first_paragraph_run_in():
    (part,) = parse_report_text("一、加强领导。学校成立领导小组。\n二、存在问题").parts
    assert (part.sections[0].title, part.sections[0].body) == ("加强领导。", "学校成立领导小组。")


def test_report_without_parts_is_one_summary_part():
    parsed = parse_report_text("2020年工作总结\n前言一段。\n一、交流\n正文。\n二、管理\n正文二。")
    assert parsed.preface == "前言一段。"
    (part,) = parsed.parts
    assert part.kind == ReportPart.Kind.SUMMARY
    assert [s.title for s in part.sections] == ["交流", "管理"]


def test_part_heading_with_its_title_on_the_next_line():
    parsed = parse_report_text("第一部分\n2020年工作总结\n一、交流\n正文。\n第二部分\n正文段落。")
    first, second = parsed.parts
    assert (first.title, first.intro) == ("2020年工作总结", "")
    assert (second.title, second.intro) == ("", "正文段落。")


def test_short_first_paragraph_of_a_report_without_parts_stays_text():
    (part,) = parse_report_text("前言一段。\n存在问题\n二、交流\n正文。").parts
    assert (part.title, part.intro) == ("", "")
    assert parse_report_text("前言一段。\n存在问题\n二、交流\n正文。").preface == (
        "前言一段。\n\n存在问题"
    )


def test_report_without_sections_keeps_its_text_in_one_part():
    parsed = parse_report_text("本年度受疫情影响，未开展实地交流。\n\n明年继续保持联系。")
    assert parsed.title == ""
    assert parsed.preface == ""
    (part,) = parsed.parts
    assert part.intro == "本年度受疫情影响，未开展实地交流。\n\n明年继续保持联系。"


# --- reading files ----------------------------------------------------------------------------


def test_every_encoding_and_docx_gives_the_same_report(tmp_path):
    expected = parse_report_text(SAMPLE_TEXT)
    for name, path in encoded_samples(tmp_path).items():
        assert parse_report(read_report_file(path, name)) == expected, name


def test_read_from_an_uploaded_file_object():
    upload = io.BytesIO(SAMPLE_TEXT.encode("gb18030"))
    upload.read(10)  # a form may have peeked at it: reading starts again at the beginning
    source = read_report_file(upload, "report.txt")
    assert [line.text for line in source.lines] == SAMPLE_TEXT.splitlines()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \r\n\r\n ", "empty"),
        ("garbage.txt", bytes(range(256)) * 8, "cannot be read as text"),
        ("nul.txt", "外事工作\x00总结".encode(), "cannot be read as text"),
        ("broken.docx", "外事工作总结".encode(), "not a valid .docx"),
        ("zip.docx", b"PK\x03\x04" + b"\x00" * 200, "not a valid .docx"),
        ("other-zip.docx", zipped("hello.txt", "你好"), "not a valid .docx"),
        ("renamed.txt", workbook(), "not a valid .docx"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF cannot be imported"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "could not convert"),
        ("english.txt", b"Annual report of the office.\n", "no Chinese report text"),
    ],
)
def test_unreadable_files_give_a_clear_message_and_create_nothing(db, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportImportError) as caught:
        report_import(file=path, filename=name, year=2020)
    assert words in caught.value.messages[0]
    with pytest.raises(CommandError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_report", str(path), "--year", "2020")
    assert not AnnualReport.objects.exists()
    assert not ReportPart.objects.exists()


def test_missing_file_is_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be opened"):
        call_command("import_report", str(tmp_path / "missing.txt"), "--year", "2020")


# --- saving -----------------------------------------------------------------------------------


def test_import_saves_the_report(db, django_user_model):
    user = django_user_model.objects.create_user("writer")
    report = report_import(file=SAMPLE, filename=SAMPLE.name, year=2020, user=user)
    report.refresh_from_db()
    assert report.title == TITLE
    assert report.status == AnnualReport.Status.DRAFT
    assert report.prepared_by == user
    parts = list(report.parts.order_by("order"))
    assert [(p.order, p.kind) for p in parts] == [(1, "summary"), (2, "plan")]
    assert [s.order for s in parts[0].sections.order_by("order")] == [1, 2, 3, 4, 5, 6, 7]
    assert ReportSection.objects.filter(part__report=report).count() == 11
    assert report.history.first().history_user == user
    for obj in [report, *parts, *ReportSection.objects.all()]:
        obj.full_clean()


def test_import_command(db, tmp_path, capsys):
    path = encoded_samples(tmp_path)["gb18030-crlf.txt"]
    call_command("import_report", str(path), "--year", "2020")
    assert "2 parts, 11 sections" in capsys.readouterr().out
    assert AnnualReport.objects.get(year=2020).title == TITLE


def test_import_command_docx(db, tmp_path):
    call_command("import_report", str(sample_docx(tmp_path / "报告.docx")), "--year", "2020")
    report = AnnualReport.objects.get(year=2020)
    assert report.parts.count() == 2
    body = ReportSection.objects.get(part__order=2, order=3).body
    assert JOINED[2] in body


def test_docx_tables_keep_their_text_in_place(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、外教管理")
    document.add_paragraph("本年度聘请外教情况如下：")
    table = document.add_table(rows=2, cols=3)
    rows = [("姓名", "国籍", "聘期"), ("柯艾米", "英国", "一年")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("至今没有发生外教合同纠纷。")
    document.save(tmp_path / "table.docx")
    (part,) = parse_report(read_report_file(tmp_path / "table.docx")).parts
    assert part.sections[0].body.split("\n\n") == [
        "本年度聘请外教情况如下：",
        "| 姓名 | 国籍 | 聘期 |\n| 柯艾米 | 英国 | 一年 |",
        "至今没有发生外教合同纠纷。",
    ]


def test_existing_year_is_refused_without_replace(db):
    existing = AnnualReportFactory(year=2020, title="原有报告")
    section = ReportSectionFactory(part=ReportPartFactory(report=existing))
    with pytest.raises(CommandError, match="already a report for 2020"):
        call_command("import_report", str(SAMPLE), "--year", "2020")
    existing.refresh_from_db()
    assert existing.title == "原有报告"
    assert list(ReportSection.objects.all()) == [section]


def test_replace_refuses_a_report_in_review(db):
    existing = AnnualReportFactory(year=2020, title="原有报告", status="in_review")
    with pytest.raises(CommandError, match="in review"):
        call_command("import_report", str(SAMPLE), "--year", "2020", "--replace")
    existing.refresh_from_db()
    assert (existing.title, existing.status) == ("原有报告", "in_review")


def test_replace_overwrites_the_report_in_place(db):
    existing = AnnualReportFactory(year=2020, title="原有报告")
    ReportSectionFactory.create_batch(3, part=ReportPartFactory(report=existing))
    call_command("import_report", str(SAMPLE), "--year", "2020", "--replace")
    report = AnnualReport.objects.get()
    assert report.pk == existing.pk  # submissions and history stay attached
    assert report.version == existing.version + 1
    assert report.title == TITLE
    assert report.status == AnnualReport.Status.DRAFT
    assert ReportSection.objects.count() == 11
    assert ReportPart.objects.count() == 2


def test_replace_refuses_an_approved_report(db):
    AnnualReportFactory(year=2020, status="approved", approved_at="2021-01-20T10:00+08:00")
    with pytest.raises(CommandError, match="approved and read-only"):
        call_command("import_report", str(SAMPLE), "--year", "2020", "--replace")
    assert AnnualReport.objects.get().status == "approved"


def test_replace_with_a_bad_file_keeps_the_old_report(db, tmp_path):
    existing = AnnualReportFactory(year=2020, title="原有报告")
    ReportSectionFactory(part=ReportPartFactory(report=existing))
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("import_report", str(bad), "--year", "2020", "--replace")
    assert AnnualReport.objects.get().title == "原有报告"
    assert ReportSection.objects.count() == 1


def test_year_out_of_range_is_refused(db):
    with pytest.raises(ReportImportError, match="between 2000 and 2100"):
        report_import(file=SAMPLE, filename=SAMPLE.name, year=1999)
    assert not AnnualReport.objects.exists()


def test_failure_while_saving_rolls_everything_back(db):
    # The report row is written first; the part after it is refused (title over 200).
    text = "总结\n前言。\n第一部分 " + "长" * 250 + "\n一、交流\n正文。"
    with pytest.raises(ReportImportError, match="200"):
        report_import(file=io.BytesIO(text.encode()), filename="x.txt", year=2020)
    assert not AnnualReport.objects.exists()
    assert not ReportPart.objects.exists()


def test_load_demo_imports_the_sample_once(db):
    call_command("load_demo", verbosity=0)
    report = AnnualReport.objects.get(year=2020)
    assert report.title == TITLE
    assert report.prepared_by.username == "staff"
    assert ReportSection.objects.filter(part__report=report).count() == 11
    report.title = "已修改"
    report.save()
    call_command("load_demo", verbosity=0)
    assert AnnualReport.objects.get(year=2020).title == "已修改"
