"""Word files built to exhaust the reader: each is answered quickly, without a crash."""

import io
import time
import zipfile

import docx
import pytest
from django.utils import translation

from reports.importer import parse_report, read_report_file
from reports.source import ReportImportError

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def package(**parts: bytes) -> bytes:
    """A python-docx document with some of its parts replaced (name → XML bytes)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        files = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        files[name.replace("__", "/").replace("_xml", ".xml")] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in files.items():
            target.writestr(name, data)
    return out.getvalue()


def document(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}>'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def para(text: str, ppr: str = "") -> str:
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def numbered(text: str) -> str:
    return para(text, '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>')


def numbering(level: str, override: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>'
        f'<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">{level}</w:lvl></w:abstractNum>'
        f'<w:num w:numId="1"><w:abstractNumId w:val="1"/>{override}</w:num></w:numbering>'
    ).encode()


def read(data: bytes):
    started = time.monotonic()
    try:
        return parse_report(read_report_file(io.BytesIO(data), "x.docx"))
    finally:
        assert time.monotonic() - started < 10


def test_a_huge_start_value_is_held_to_words_bound():
    data = package(
        word__document_xml=document(para("2023年外事工作总结") + numbered("加强制度") * 3),
        word__numbering_xml=numbering(
            '<w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1%1%1."/>',
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="99999999999999"/></w:lvlOverride>',
        ),
    )
    parsed = read(data)
    text = parsed.parts[0].intro
    assert len(text) < 200 and "加强制度" in text


def test_chinese_numbering_as_libreoffice_writes_it_gives_sections():
    data = package(
        word__document_xml=document(
            para("2023年外事工作总结")
            + numbered("加强制度")
            + para("正文。")
            + numbered("深化合作")
        ),
        word__numbering_xml=numbering(
            '<w:start w:val="1"/><w:numFmt w:val="taiwaneseCountingThousand"/>'
            '<w:lvlText w:val="%1、"/>'
        ),
    )
    assert [s.title for s in read(data).parts[0].sections] == ["加强制度", "深化合作"]


def test_a_huge_grid_span_is_capped():
    cell = (
        '<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr>'
        "<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
    )
    table = "<w:tbl>" + f"<w:tr>{cell}</w:tr>" * 3 + "</w:tbl>"
    # 64 columns at most are read; more than the editor's 20 is refused with a message.
    with pytest.raises(ReportImportError, match="20 columns"):
        read(package(word__document_xml=document(para("一、统计") + table)))
    table = table.replace("100000000", "3")
    parsed = read(package(word__document_xml=document(para("一、统计") + table)))
    assert parsed.parts[0].sections[0].body.startswith("| x | < | < |")


def test_a_long_style_chain_is_walked_once():
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="S{i}"/>'
        f'<w:basedOn w:val="S{i + 1}"/></w:style>'
        for i in range(5000)
    )
    paragraphs = "".join(
        para(f"第{i}段。", '<w:pPr><w:pStyle w:val="S0"/></w:pPr>') for i in range(2000)
    )
    data = package(
        word__document_xml=document(paragraphs),
        word__styles_xml=f'<?xml version="1.0"?><w:styles {W}>{styles}</w:styles>'.encode(),
    )
    started = time.monotonic()
    with pytest.raises(ReportImportError, match="more than 500"):  # read in full, then refused
        read(data)
    assert time.monotonic() - started < 5


def test_a_table_of_data_is_refused_with_a_message():
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 2 + "</w:tr>"
    data = package(word__document_xml=document("<w:tbl>" + row * 2001 + "</w:tbl>"))
    with pytest.raises(ReportImportError, match="more than 2000 rows"):
        read(data)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (para("正文。") * 501, "more than 500 paragraphs"),
        (
            "<w:tbl>"
            + ("<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 21 + "</w:tr>") * 2
            + "</w:tbl>",
            "more than 200 rows or 20 columns",
        ),
        (para("长" * 20_001), "more than 20000 characters"),
    ],
)
def test_what_the_editor_could_not_save_is_refused_at_import(body, words):
    """An imported body stays within the editor's limits, so it can always be saved again."""
    data = package(word__document_xml=document(para("一、统计") + body))
    with pytest.raises(ReportImportError, match=words):
        read(data)


def test_conversions_run_one_at_a_time(monkeypatch):
    """A second conversion waits for the first; after LOCK_WAIT it is told to try again."""
    import fcntl

    from reports import convert

    monkeypatch.setattr(convert, "LOCK_WAIT", 0.3)
    monkeypatch.setattr(convert, "libreoffice_path", lambda: "/bin/true")
    with open(convert.LOCK_PATH, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            with pytest.raises(ReportImportError, match="Another file is being converted"):
                convert.convert_to_docx(b"{\\rtf1 x}", ".rtf")
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None, reason="LibreOffice is not installed"
)
def test_libreoffice_runs_under_a_memory_limit(monkeypatch):
    """A conversion that needs more memory than MEMORY_LIMIT fails with the clear message."""
    from reports import convert

    monkeypatch.setattr(convert, "MEMORY_LIMIT", 64 * 1024 * 1024)
    with pytest.raises(ReportImportError, match="could not"):
        convert.convert_to_docx(b"{\\rtf1\\ansi \\u19968? report}", ".rtf")


def test_a_huge_document_part_is_refused_before_parsing():
    """95 MB of document.xml passes the total limit but not the per-part one (was 86 s, 2.6 GB)."""
    body = para("正文。") * 2_000_000  # about 60 MB of XML, a few hundred KB zipped
    started = time.monotonic()
    with pytest.raises(ReportImportError) as caught:
        read(package(word__document_xml=document(body)))
    assert caught.value.code == "too_large"
    assert time.monotonic() - started < 5
