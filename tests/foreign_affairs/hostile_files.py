"""Hostile Office files for the upload tests, built in memory (issue 10, item 6).

Each builder returns the bytes of a small upload that is expensive to read naively: millions
of empty rows (they compress to almost nothing), a zip holding only `[Content_Types].xml`,
malformed XML, an entity bomb. `measure()` reads one in a fresh interpreter and returns the
seconds and the peak resident memory it took, so a test can bound both.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
HEADERS = ["中文名", "英文名称", "类型", "国家/地区", "城市", "状态"]


def workbook_entries(rows=(HEADERS,)) -> dict[str, bytes]:
    """Return the parts of an ordinary .xlsx holding `rows`, by name."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    with zipfile.ZipFile(stream) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_of(entries: dict[str, bytes], sheet_writer=None) -> bytes:
    """Zip `entries`; `sheet_writer(handle)` streams the worksheet part instead of its bytes."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            if name == SHEET and sheet_writer is not None:
                with archive.open(name, "w") as handle:
                    sheet_writer(handle)
            else:
                archive.writestr(name, content)
    return stream.getvalue()


def many_rows(count: int = 3_000_000, *, numbered: bool = False) -> bytes:
    """A workbook with a header row, then `count` empty rows.

    Unnumbered (`<row/>`), 3 million rows zip to ~25 KB (a 1:700 ratio); numbered
    (`<row r="2"/>`...), they zip to ~7 MB at a 1:7 ratio no zip check can object to.
    """

    def write(handle):
        head = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
            f'<dimension ref="A1:F{count + 1}"/><sheetData><row r="1">{header_cells()}</row>'
        )
        handle.write(head.encode())
        chunk = []
        for number in range(2, count + 2):
            chunk.append(f'<row r="{number}"/>' if numbered else "<row/>")
            if len(chunk) == 100_000:
                handle.write("".join(chunk).encode())
                chunk = []
        handle.write(("".join(chunk) + "</sheetData></worksheet>").encode())

    return zip_of(workbook_entries(), write)


def header_cells(number: int = 1) -> str:
    return "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HEADERS)
    )


def far_row() -> bytes:
    """A header row and one row numbered 1,048,576: readers fill in the rows between."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        f'<row r="1">{header_cells()}</row><row r="1048576">{header_cells(1048576)}</row>'
        "</sheetData></worksheet>"
    ).encode()
    return zip_of({**workbook_entries(), SHEET: sheet})


def wide_dimension() -> bytes:
    """A sheet whose dimension claims every column of Excel (16,384) on 5,000 rows."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c></row>' for n in range(2, 5002))
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
        f'<dimension ref="A1:XFD5001"/><sheetData><row r="1">{header_cells()}</row>'
        f"{rows}</sheetData></worksheet>"
    ).encode()
    return zip_of({**workbook_entries(), SHEET: sheet})


def only_content_types() -> bytes:
    return zip_of({"[Content_Types].xml": workbook_entries()["[Content_Types].xml"]})


def malformed_sheet() -> bytes:
    broken = f'<worksheet xmlns="{NS}"><sheetData><row'.encode()
    return zip_of({**workbook_entries(), SHEET: broken})


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(strings_xml: bytes) -> bytes:
    """A workbook whose header cell A1 is string 0 of the shared strings `strings_xml`."""
    entries = workbook_entries()
    entries[SHEET] = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'.encode(),
    )
    entries["xl/sharedStrings.xml"] = strings_xml
    return zip_of(entries)


def entity_bomb(part: str = SHEET, depth: int = 9) -> bytes:
    """A part whose DTD defines entities that expand 10**depth times (a "billion laughs")."""
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, depth + 1)
    )
    if part == SHEET:
        body = (
            f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
            f"<t>&lol{depth};</t></is></c></row></sheetData></worksheet>"
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>{body}'
        return zip_of({**workbook_entries(), SHEET: xml.encode()})
    body = f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&lol{depth};</t></si></sst>'
    xml = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{entities}]>{body}'
    return with_shared_strings(xml.encode())


def zip_bomb() -> bytes:
    """An extra part of 200 MB of zeros (~200 KB compressed) beside an ordinary workbook."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in workbook_entries().items():
            archive.writestr(name, content)
        with archive.open("xl/media/padding.bin", "w") as handle:
            block = bytes(1024 * 1024)
            for _ in range(200):
                handle.write(block)
    return stream.getvalue()


HOSTILE = {
    "3 million empty rows": many_rows,
    "3 million numbered empty rows": lambda: many_rows(numbered=True),
    "row 1048576": far_row,
    "dimension A1:XFD5001": wide_dimension,
    "only [Content_Types].xml": only_content_types,
    "malformed sheet XML": malformed_sheet,
    "entity bomb (sheet)": entity_bomb,
    "entity bomb (shared strings)": lambda: entity_bomb("xl/sharedStrings.xml"),
    "small entity bomb (sheet, 30 000 characters)": lambda: entity_bomb(depth=3),
    "zip bomb": zip_bomb,
    "not a zip": lambda: b"plain text, not a zip at all",
}

_MEASURE = """
import json, resource, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from foreign_affairs.imports.workbook import read_workbook
from partners.resources import InstitutionResource
data = open(sys.argv[1], "rb").read()
resource_ = InstitutionResource()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    read_workbook(data, resource_)
    outcome = "read"
except ValidationError as error:
    outcome = " ".join(error.messages)
except Exception as error:
    outcome = f"CRASH {type(error).__name__}: {error}"[:300]
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "added_mb": (peak - before) / 1024,
                  "outcome": outcome}))
"""


def measure(data: bytes, folder: Path, timeout: float = 600) -> dict:
    """Read `data` with the importer in a fresh interpreter; return seconds, MB and outcome.

    `peak_mb` is the process's peak resident set (Django loaded included); `added_mb` is
    what reading the file added to it.
    """
    path = folder / "upload.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "LANGUAGE_CODE": "en-us"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
