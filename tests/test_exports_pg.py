"""PostgreSQL's CSV writer (foreign_affairs.exports_pg): each way it writes a label map, the
rows it sorts before making their cells, and the keys of values it reads once."""

import re
from datetime import date

import pytest
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.models import Visit, VisitPlanLine
from faculty.models import QualificationCheck
from foreign_affairs import exports_pg
from foreign_affairs.exports_pg import Lookup, key_of, sorted_first
from foreign_affairs.selectors import RelatedCount
from partners.models import Institution
from tests.exchanges.factories import (
    ExchangeProjectFactory,
    PassportCustodyFactory,
    VisitFactory,
    VisitPlanLineFactory,
)
from tests.faculty.factories import QualificationCheckFactory
from tests.partners.factories import InstitutionFactory
from tests.test_export import csv_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL writes a CSV export itself (COPY); elsewhere Python does",
    ),
]


def looked_up(expression) -> dict[int, str | None]:
    rows = Institution.objects.annotate(cell=expression).values_list("pk", "cell")
    return dict(rows)


@pytest.fixture
def institutions():
    return InstitutionFactory.create_batch(30)


def test_a_small_map_is_a_case(institutions):
    mapping = {"university": "大学", "hospital": "医院"}
    lookup = Lookup(F("kind"), mapping, default=Cast(F("kind"), models.TextField()))
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "CASE" in sql and "jsonb" not in sql
    for institution in institutions:
        expected = mapping.get(institution.kind, institution.kind)
        assert looked_up(lookup)[institution.pk] == expected


def test_a_map_keyed_by_the_record_is_an_array_index(institutions):
    """Every second record has a text, of three that repeat; the others are NULL."""
    texts = ["不符合（5）", "不适用", "含'引号'与,逗号"]
    mapping = {row.pk: texts[row.pk % 3] for row in institutions[::2]}
    lookup = Lookup(F("pk"), mapping)
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "::int[]" in sql and "jsonb" not in sql
    assert looked_up(lookup) == {row.pk: mapping.get(row.pk) for row in institutions}


def test_a_map_of_many_texts_is_a_jsonb_object(institutions):
    """An array of texts is walked to its element: a map of a text per record (a related
    record's label) is a jsonb object."""
    mapping = {row.pk: f"第{row.pk}个" for row in institutions}
    last = max(mapping)
    lookup = Lookup(F("pk"), mapping | {last + n: f"没有的第{n}个" for n in range(1, 40)})
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "jsonb" in sql and "[]" not in sql
    assert looked_up(lookup) == mapping


def test_a_map_of_sparse_keys_is_a_jsonb_object(institutions):
    """Keys far apart (a span of millions) would make a huge array: a jsonb object instead."""
    far = 10_000_000
    mapping = {**{row.pk: f"第{row.pk % 6}类" for row in institutions}, far: "远"}
    lookup = Lookup(F("pk"), mapping)
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "jsonb" in sql and "::int[]" not in sql
    assert looked_up(lookup) == {row.pk: mapping[row.pk] for row in institutions}


def test_a_map_of_few_texts_asks_which_list_holds_the_key(institutions):
    """Many keys, two texts: `= ANY` of each text's keys, odd keys included."""
    odd = ['引号"', "反斜杠\\", "{花括号}", "逗号,", "NULL", "", " 空格 "]
    mapping = {str(row.pk): ("出国" if row.pk % 2 else "港澳台") for row in institutions}
    mapping |= {key: "出国" for key in odd}
    key = Cast(F("pk"), models.TextField())
    lookup = Lookup(key, mapping, default=models.Value("无"))
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "ANY" in sql and "jsonb" not in sql
    assert looked_up(lookup) == {row.pk: mapping[str(row.pk)] for row in institutions}
    for text in odd:
        found = Institution.objects.annotate(cell=Lookup(models.Value(text), mapping)).values_list(
            "cell", flat=True
        )
        assert set(found) == {"出国"}, text
    assert looked_up(Lookup(models.Value("其他"), mapping, models.Value("无"))) == {
        row.pk: "无" for row in institutions
    }


@pytest.mark.parametrize("repeat", [True, False], ids=["repeated texts", "distinct texts"])
def test_a_map_keyed_by_text_is_a_jsonb_object(institutions, repeat):
    mapping = {
        str(row.pk): (f"重复{row.pk % 5}" if repeat else f"第{row.pk}个")
        for row in institutions
        if row.pk % 6
    }
    lookup = Lookup(Cast(F("pk"), models.TextField()), mapping, default=models.Value("无"))
    sql, _ = Institution.objects.annotate(cell=lookup).query.sql_with_params()
    assert "jsonb" in sql and "::int[]" not in sql
    assert ("::text[]" in sql) is repeat
    assert looked_up(lookup) == {row.pk: mapping.get(str(row.pk), "无") for row in institutions}


def test_keys_of_several_values_are_made_in_python_as_postgresql_makes_them():
    """`DistinctValues` reads (country, city) pairs and keys them in Python; the COPY looks
    them up by the key PostgreSQL makes (`key_of`)."""
    for city in ["广州", "", "a:b", "v3:x", "n", "Zürich 😀", "'; --"]:
        InstitutionFactory(country="CN", city=city)
    key = key_of([F("country"), F("city")])
    rows = Institution.objects.annotate(key=key).values_list("key", "country", "city")
    assert len(rows) == 7
    for made, *values in rows:
        assert exports_pg._key_text(values) == made
    assert exports_pg._key_text((None, 12)) == "nv2:12"
    assert exports_pg._key_text((True,)) is None  # PostgreSQL writes true: its own key


def test_a_grouped_query_is_not_rewritten():
    rows = Institution.objects.annotate(contact_count=models.Count("contacts")).values_list(
        "name_zh", "contact_count"
    )
    compiler = rows.order_by("name_zh").query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    assert sorted_first(compiler, sql, list(params)) == (sql, list(params))


def test_rows_of_a_join_are_sorted_before_their_cells_are_made():
    QualificationCheckFactory.create_batch(3)
    rows = QualificationCheck.objects.order_by("-year", "teacher__family_name", "-pk")
    rows = rows.annotate(cell=F("teacher__given_name")).values_list("cell")
    compiler = rows.query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    rewritten, rewritten_params = sorted_first(compiler, sql, list(params))
    assert rewritten.startswith('SELECT s."export_ref_0" AS "cell" FROM (SELECT ')
    assert rewritten.endswith(" OFFSET 0) s")
    assert " JOIN " in rewritten and "ORDER BY" in rewritten
    with connection.cursor() as cursor:
        cursor.execute(rewritten, rewritten_params)
        assert cursor.fetchall() == list(rows)


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("faculty:qualificationcheck_list", {"sort": "teacher"}),
        ("faculty:qualificationcheck_list", {"sort": "-teacher", "result": "passed"}),
        ("faculty:qualificationcheck_list", {"q": "a"}),
        ("exchanges:visitplanline_list", {"sort": "-visit_count"}),
        ("exchanges:visitplanline_list", {"q": "日本", "sort": "description"}),
        ("partners:institution_list", {"sort": "-last_interaction_on"}),
        ("partners:institution_list", {"q": "大学", "sort": "country"}),
        ("faculty:foreignteacher_list", {"sort": "-nationality"}),
    ],
)
def test_filtered_and_sorted_exports_are_what_python_writes(
    staff_client, monkeypatch, url_name, query
):
    """The same rows in the same order, cell for cell, with a filter, a search and a sort by
    a joined or computed column (the rows are sorted in a subquery: `sorted_first`)."""
    QualificationCheckFactory.create_batch(2)
    QualificationCheckFactory.create_batch(2, result="passed")
    for line in VisitPlanLineFactory.create_batch(3):
        VisitFactory.create_batch(line.pk % 3, plan_line=line)
    for number in range(3):
        InstitutionFactory(name_zh=f"第{number}医科大学")
    assert VisitPlanLine.objects.exists()
    copies = []
    copy_csv = exports_pg.copy_csv
    monkeypatch.setattr(exports_pg, "copy_csv", lambda *args: copies.append(1) or copy_csv(*args))
    url = reverse(url_name)

    by_postgresql = csv_rows(staff_client.get(url, {**query, "export": "csv"}))
    assert copies, "the Python writer wrote it"
    monkeypatch.setattr(exports_pg, "copy_query", lambda *args: None)
    by_python = csv_rows(staff_client.get(url, {**query, "export": "csv"}))

    assert by_postgresql == by_python
    assert len(by_postgresql) > 2


def test_dates_are_written_as_iso_whatever_the_date_style():
    """A date is written as its text in the ISO style, which the COPY sets for itself."""
    from faculty.tables import QualificationCheckTable
    from foreign_affairs.exports import export_columns

    for day in (1, 2, 3):
        QualificationCheckFactory(checked_on=date(2024, 5, day))
    rows = QualificationCheck.objects.order_by("pk")
    columns = export_columns(QualificationCheckTable(rows), rows)
    copy = exports_pg.copy_query(columns, rows)
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle = 'SQL, DMY'")
    try:
        written = exports_pg.copy_csv(copy, "default").decode().splitlines()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET DateStyle = 'ISO, MDY'")
    dates = [line.rsplit(",", 1)[1] for line in written]
    expected = [check.checked_on.isoformat() for check in rows]
    assert dates == expected and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)


def test_every_line_of_a_file_ends_alike(staff_client, monkeypatch):
    """The header ends as the rows do: a line feed after PostgreSQL's COPY, the csv module's
    CRLF after Python's (which quotes a field holding a CR only then)."""
    from tests.factories import body

    for number in range(3):
        InstitutionFactory(name_zh=f"第{number}学院", city="多行\r\n城市\r")
    url = reverse("partners:institution_list")
    by_postgresql = body(staff_client.get(url, {"export": "csv"}))
    monkeypatch.setattr(exports_pg, "copy_query", lambda *args: None)
    by_python = body(staff_client.get(url, {"export": "csv"}))

    assert csv_rows_of(by_postgresql) == csv_rows_of(by_python)
    # Four lines each; the cities' CR LF and CR are inside their quotes.
    assert by_postgresql.count(b"\n") - by_postgresql.count(b"\r\n") == 4
    assert by_python.count(b"\r\n") == 4 + 3


def csv_rows_of(content: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _copy_select(client, url_name: str, monkeypatch) -> tuple[str, list]:
    """The SELECT of the `COPY` an export of the list `url_name` runs, and its parameters."""
    statements = []
    monkeypatch.setattr(exports_pg, "copy_csv", lambda copy, using: statements.append(copy) or b"")
    response = client.get(reverse(url_name), {"export": "csv"})
    b"".join(response.streaming_content)  # the rows are written as the response is read
    ((sql, params),) = statements
    return sql[len("COPY (") : sql.rindex(") TO STDOUT")], params


def _plan(select: str, params, settings: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(settings)
        cursor.execute(f"EXPLAIN {select}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("url_name", "factory", "index"),
    [
        ("partners:institution_list", InstitutionFactory, "institution_name_pinyin"),
        ("exchanges:exchangeproject_list", ExchangeProjectFactory, "exchangeproject_name_pinyin"),
        (
            "exchanges:passportcustody_list",
            PassportCustodyFactory,
            "passportcustody_holder_pinyin",
        ),
        ("exchanges:visitplanline_list", VisitPlanLineFactory, "visitplanline_list_order"),
    ],
)
def test_an_export_can_read_its_rows_in_the_order_of_the_lists_index(
    staff_client, monkeypatch, url_name, factory, index
):
    """The index of a list's order is the export's ORDER BY, its collation and tie-breaker
    included: with a sort made dear (as 10k rows make it; at three rows the planner sorts),
    the rows are read through it, not sorted."""
    factory.create_batch(3)
    select, params = _copy_select(staff_client, url_name, monkeypatch)
    dear_sort = "; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off"
    plan = _plan(select, params, exports_pg.COPY_SETTINGS + dear_sort)
    assert f"Index Scan using {index}" in plan and "Sort" not in plan, plan


def test_a_text_holding_a_removed_character_is_written_again_carefully(staff_client, monkeypatch):
    """The first `COPY` checks a text's first character alone; a file holding a control
    character anywhere is written again with every text checked for them, and both writers
    write the same cells."""
    InstitutionFactory(name_zh="=1+1医学院", name_en="Plain College")
    copies = []
    run_copy = exports_pg._run_copy
    monkeypatch.setattr(
        exports_pg, "_run_copy", lambda copy, using: copies.append(copy) or run_copy(copy, using)
    )
    url = reverse("partners:institution_list")

    plain = csv_rows(staff_client.get(url, {"export": "csv"}))
    assert len(copies) == 1 and exports_pg.NEEDS_CARE not in copies[0][1]
    assert ["'=1+1医学院", "Plain College"] == plain[1][:2]

    InstitutionFactory(name_zh="\x01=2+2\x0b医科大学", name_en="Tab\tand\x1fcontrol")
    copies.clear()
    by_postgresql = csv_rows(staff_client.get(url, {"export": "csv"}))
    assert len(copies) == 2 and exports_pg.NEEDS_CARE in copies[1][1]
    monkeypatch.setattr(exports_pg, "copy_query", lambda *args: None)
    by_python = csv_rows(staff_client.get(url, {"export": "csv"}))
    assert by_postgresql == by_python
    assert ["'=2+2医科大学", "Tab\tandcontrol"] in [row[:2] for row in by_postgresql]


def test_a_function_of_two_values_is_asked_by_the_first_where_the_second_does_not_count(
    staff_client, monkeypatch
):
    """An institution's Greater Bay Area depends on its city in China alone: the cell is
    looked up by the country, and by the city for China, with no key of both made a row; its
    country and its country and city are read by one `SELECT DISTINCT`; the cells are the
    Python writer's."""
    for country, city in [
        ("CN", "广州"),
        ("CN", "北京"),
        ("CN", ""),
        ("HK", ""),
        ("MO", "澳门"),
        ("JP", "东京"),
        ("JP", "大阪"),
    ]:
        InstitutionFactory(country=country, city=city)
    statements = []
    copy_csv = exports_pg.copy_csv
    monkeypatch.setattr(
        exports_pg, "copy_csv", lambda copy, using: statements.append(copy) or copy_csv(copy, using)
    )
    url = reverse("partners:institution_list")
    with CaptureQueriesContext(connection) as queries:
        by_postgresql = csv_rows(staff_client.get(url, {"export": "csv"}))
    distinct = [q["sql"] for q in queries.captured_queries if "SELECT DISTINCT" in q["sql"]]
    assert len(distinct) == 1 and '"city"' in distinct[0]
    ((sql, _),) = statements
    assert "length(" not in sql  # no key_of
    monkeypatch.setattr(exports_pg, "copy_query", lambda *args: None)
    assert by_postgresql == csv_rows(staff_client.get(url, {"export": "csv"}))
    header = by_postgresql[0]
    country, city, bay_area = (header.index(name) for name in ("国家/地区", "城市", "大湾区"))
    cells = {(row[country], row[city]): row[bay_area] for row in by_postgresql[1:]}
    assert cells[("中国", "广州")] == cells[("中国香港", "")] == "是"
    assert cells[("中国", "北京")] == cells[("中国", "")] == cells[("日本", "东京")] == "否"


def test_a_function_of_two_values_mixed_for_many_first_values_is_keyed_by_both():
    rows = [(f"v{n}{second}", f"k{n}", second) for n in range(5) for second in ("a", "b")]
    mapping = {found: f"{first}{second}" for found, first, second in rows}
    assert exports_pg._by_first_value(("country", "city"), rows, mapping) is None
    assert exports_pg._by_first_value(("country", "city"), rows[:8], mapping) is not None


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("faculty:qualificationcheck_list", {"q": "查无此人"}),  # every field through a teacher
        ("faculty:qualificationcheck_list", {"q": "%", "sort": "teacher"}),
        ("exchanges:visitplanline_list", {"q": "查无此行"}),
    ],
)
def test_an_export_of_a_search_that_matches_nothing_is_its_header(staff_client, url_name, query):
    """A search whose every field is reached through a foreign key, matching no record, is a
    condition no row can match: the file holds the header alone (not an error)."""
    QualificationCheckFactory.create_batch(2)
    for line in VisitPlanLineFactory.create_batch(2):
        VisitFactory(plan_line=line)
    response = staff_client.get(reverse(url_name), {**query, "export": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert len(rows) == 1 and rows[0]


def test_counts_of_rows_filtered_by_a_condition_no_row_matches_are_none():
    line = VisitPlanLineFactory()
    VisitFactory(plan_line=line)
    count = RelatedCount(Visit, "plan_line")
    assert count.counts(VisitPlanLine.objects.filter(pk__in=[])) == {}
    assert count.counts(VisitPlanLine.objects.filter(pk=line.pk)) == {line.pk: 1}
