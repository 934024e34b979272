"""A list's CSV export written by PostgreSQL (`COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`).

The Python writer (`foreign_affairs.exports.csv_response`) reads every row into Python
objects, converts each cell and writes it with the csv module: at 10k rows that is about
twice a bare `values_list` and `csv.writer` of the same cells (issue 12). Here the database
writes the cells itself, each made in SQL exactly as the Python writer makes it:

- a text: the control characters XML forbids removed (`translate`), a leading `'` before a
  formula trigger (`foreign_affairs.spreadsheets.safe_cell`, the same characters). The `COPY`
  first runs with a text's first character checked alone (`SafeText` outside `careful`):
  the file is then searched for a removed character, which the data almost never holds, and
  written again with every text checked for one where it is found (a regular expression a
  cell, a quarter of an export's time at 10k rows);
- a date `YYYY-MM-DD` (its text in the ISO date style), a date and time in the active time
  zone `YYYY-MM-DD HH:MM`, a number as Python writes it (`::text`);
- a label (choices, countries, booleans, a related record's label, a computed column, a
  table's bulk column such as a teacher's legal status) looked up in a map built in Python,
  from the same maps and functions as the Python writer, written by its size (`Lookup`); a
  function of the row's values is called once per distinct value, read by one `SELECT
  DISTINCT` per export however many columns read it (`DistinctValues`); a model may give its
  label as SQL instead (`label_expression`, `ForeignTeacher`);
- a count of related rows (`foreign_affairs.selectors.RelatedCount`) read by one grouped
  query, not a subquery a row;
- an empty cell is written as nothing (a NULL), not as `""`.

Rows are written in the queryset's order by the same query, sorted in a subquery before their
cells are made (`sorted_first`, joined lists too), in the order of the list's index where it
has one; the `COPY` runs with `COPY_SETTINGS` (no JIT, the ISO date style, a random page
costed as cached). The CSV is read into memory before it is sent (about 1.4 MB for 10k rows). An
export with a column that needs the record itself (a table's `value_<name>`) or a value of a
kind not listed is left to the Python writer (`copy_query` returns None).
tests/test_export.py and tests/test_exports_pg.py compare both writers cell for cell on
PostgreSQL.
"""

import json
import re
from contextvars import ContextVar

from django.core.exceptions import EmptyResultSet, FieldError
from django.db import connections, models, transaction
from django.db.models import Case, Expression, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.functional import cached_property

from foreign_affairs.privacy import mask
from foreign_affairs.selectors import RelatedCount
from foreign_affairs.spreadsheets import FORMULA_TRIGGERS, safe_cell

TRIGGERS = frozenset(FORMULA_TRIGGERS)
# The characters `safe_cell` removes (PostgreSQL's text cannot hold NUL).
REMOVED = "".join(chr(code) for code in (*range(1, 9), 11, 12, *range(14, 32)))
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField", "CountryField"}
INTEGER_TYPES = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}
NUMBER_TYPES = INTEGER_TYPES | {"DecimalField"}


KEY = object()  # in `Lookup._form`'s parameters: where the key's go

# Whether a `SafeText` compiled now looks for the removed characters (`copy_query`).
_CAREFUL: ContextVar[bool] = ContextVar("exports_pg_careful", default=True)
# The removed characters as the bytes of a file (UTF-8 writes each as itself, and a byte below
# 0x80 is never part of another character's).
REMOVED_BYTES = tuple(character.encode() for character in REMOVED)

# A text `safe_cell` changes: one starting with a formula trigger or holding a removed
# character (inside brackets none of them is special; "-" comes last).
NEEDS_CARE = (
    "^["
    + "".join(trigger for trigger in FORMULA_TRIGGERS if trigger != "-")
    + "-]|["
    + REMOVED
    + "]"
)


class OfOne(Expression):
    """A text made in SQL from one expression, `source`."""

    output_field = models.TextField()

    def __init__(self, expression):
        super().__init__()
        self.source = expression

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, expressions):
        (self.source,) = expressions


class SafeText(OfOne):
    """`safe_cell` of a text in SQL. A text that needs no care (`NEEDS_CARE`, one regular
    expression) is written as it is; another without the removed characters (`translate`),
    with a `'` in front when it then starts with a formula trigger."""

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source)
        value = f"({sql})::text"
        text = f"translate({value}, %s, '')"
        triggers = ", ".join(["%s"] * len(FORMULA_TRIGGERS))
        quote = "''''"  # SQL for the text '
        if not _CAREFUL.get():
            # For a `COPY` whose file is searched for the removed characters (`copy_csv`):
            # without them, the text is `safe_cell`'s once its first character is checked.
            return (
                f"CASE WHEN left({value}, 1) IN ({triggers}) THEN {quote} || {value}"
                f" ELSE {value} END",
                [*params, *FORMULA_TRIGGERS, *params, *params],
            )
        careful = (
            f"CASE WHEN left({text}, 1) IN ({triggers}) THEN {quote} || {text} ELSE {text} END"
        )
        # Most texts need no care (one regular expression); one starting with a trigger
        # and holding no removed character gets its quote; only the rest are translated.
        return (
            f"CASE WHEN {value} !~ %s THEN {value} WHEN {value} !~ %s THEN {quote} || {value}"
            f" ELSE {careful} END",
            [
                *params,
                NEEDS_CARE,
                *params,
                *params,
                f"[{REMOVED}]",
                *params,
                *params,
                REMOVED,
                *FORMULA_TRIGGERS,
                *params,
                REMOVED,
                *params,
                REMOVED,
            ],
        )


class Lookup(Expression):
    """The text `mapping` holds under the key `key` (an expression; the map's keys are its
    values as text, or integers), else `default` (an expression, or None for an empty cell).

    Written by the size of the map: up to `SMALL` keys (choices, yes/no) as a `CASE`; a map
    keyed by an integer column (a record's key: 10k teachers' legal status) as an `int[]`
    indexed by the key, of numbers into an array of the map's texts (up to `ARRAY` of them);
    a map of up to `FEW`
    texts (a trip's annual plan) as a `CASE` asking which text's constant array of keys holds
    the key (hashed once by PostgreSQL); else a `jsonb` object, of such numbers when the texts
    repeat (less JSON to make, send and parse)."""

    SMALL, FEW, ARRAY = 8, 4, 32
    output_field = models.TextField()

    def __init__(self, key, mapping: dict[str | int, str], default=None):
        super().__init__()
        self.key, self.mapping, self.default = key, mapping, default

    @cached_property
    def identity(self):
        # Expression's identity would make a tuple of every item of the map (10k labels)
        # each time the query hashes or compares the expression: the map itself tells it.
        return (self.__class__, self.key, id(self.mapping), self.default)

    def _integer_span(self) -> tuple[int, int] | None:
        """(lowest, highest) key when the key is an integer column and every key of the map
        an integer within a span at most a few times the map's size; else None."""
        try:
            field = self.key.output_field
            field = getattr(field, "target_field", field)  # a foreign key: its target's
            kind = field.get_internal_type()
        except (AttributeError, FieldError):
            return None
        if kind not in INTEGER_TYPES:
            return None
        keys = list(self.mapping)
        if not all(key.__class__ is int for key in keys):
            try:
                keys = [int(key) for key in keys]
            except ValueError:
                return None
            if any(str(number) != key for number, key in zip(keys, self.mapping, strict=True)):
                return None
        low, high = min(keys), max(keys)
        return (low, high) if high - low < 4 * len(keys) + 1000 else None

    def get_source_expressions(self):
        return [self.key] if self.default is None else [self.key, self.default]

    def set_source_expressions(self, expressions):
        self.key, *rest = expressions
        self.default = rest[0] if rest else None

    @cached_property
    def _form(self) -> tuple[str, list]:
        """(the lookup's SQL, each `{key}` standing for the key's, its parameters, `KEY` where
        the key's go), made once however often the query is compiled (an export compiles it
        three times)."""
        if len(self.mapping) <= self.SMALL:
            whens = " ".join(["WHEN %s THEN %s"] * len(self.mapping))
            pairs = [part for key, text in self.mapping.items() for part in (str(key), text)]
            return f"CASE ({{key}})::text {whens} END", [KEY, *pairs]
        texts = list(dict.fromkeys(self.mapping.values()))
        number = {text: index for index, text in enumerate(texts, start=1)}
        # An element of an array of texts is found by walking the ones before it: an array
        # of texts is for a few of them, else each row walks hundreds.
        span = self._integer_span() if len(texts) <= self.ARRAY else None
        if span is not None:
            # An integer key (a record's key) indexes an array of numbers into the texts:
            # a seventh of the time of looking it up in a jsonb object of 10k keys.
            low, high = span
            numbers = [0] * (high - low + 1)
            for key, text in self.mapping.items():
                numbers[int(key) - low] = number[text]
            array = f"[{low}:{high}]={{{','.join(map(str, numbers))}}}"
            return "(%s::text[])[(%s::int[])[{key}]]", [texts, array, KEY]
        if len(texts) <= self.FEW:
            # A few texts (a trip's plan, a region): which of the texts' lists of keys holds
            # the key, each list a hash table PostgreSQL builds once (`= ANY` of a constant).
            keys = {text: [] for text in texts}
            for key, text in self.mapping.items():
                keys[text].append(str(key))
            # The text of the most keys first: most rows compute the key once.
            texts.sort(key=lambda text: len(keys[text]), reverse=True)
            whens = " ".join(["WHEN ({key})::text = ANY(%s::text[]) THEN %s"] * len(texts))
            params = [part for text in texts for part in (KEY, _array(keys[text]), text)]
            return f"CASE {whens} END", params
        if len(texts) <= self.ARRAY and len(texts) * 2 <= len(self.mapping):
            data = json.dumps({key: number[text] for key, text in self.mapping.items()})
            return "(%s::text[])[(%s::jsonb ->> ({key})::text)::int]", [texts, data, KEY]
        data = json.dumps(self.mapping, ensure_ascii=False)
        return "(%s::jsonb ->> ({key})::text)", [data, KEY]

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        default_sql, default_params = "NULL", []
        if self.default is not None:
            default_sql, default_params = compiler.compile(self.default)
        if not self.mapping:
            return default_sql, default_params
        template, form_params = self._form
        lookup = template.replace("{key}", key_sql)
        params = []
        for param in form_params:
            params += key_params if param is KEY else [param]
        if self.default is None:
            return lookup, params
        return f"COALESCE({lookup}, {default_sql})", [*params, *default_params]


def _array(texts: list[str]) -> str:
    """A PostgreSQL array literal of these texts (`{"a","b\\"c"}`): a constant the planner
    hashes for `= ANY`."""
    quoted = ('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' for text in texts)
    return "{" + ",".join(quoted) + "}"


class Template(OfOne):
    """A fixed SQL template around one expression (each `{}` stands for it; `%s` for the
    template's own parameters, in order)."""

    def __init__(self, expression, template: str, *params):
        super().__init__(expression)
        self.template, self.params = template, list(params)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source)
        own = iter(self.params)  # the template's own %s, in order
        parts = self.template.split("{}")
        text, values = parts[0], [next(own) for _ in range(parts[0].count("%s"))]
        for part in parts[1:]:
            text += sql + part
            values += [*params, *(next(own) for _ in range(part.count("%s")))]
        return text, values


def key_of(expressions) -> Expression:
    """A text that tells tuples of values apart (NULL included): each value as `n` for NULL,
    else `v<length>:<text>`, concatenated."""
    parts = [
        Template(
            expression,
            "CASE WHEN ({}) IS NULL THEN 'n'"
            " ELSE 'v' || length(({})::text) || ':' || ({})::text END",
        )
        for expression in expressions
    ]
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=models.TextField())


def _output_type(queryset, path: str) -> str | None:
    """The internal type of the value `path` reads (a field across relations, or an
    annotation)."""
    query = queryset.query.clone()
    try:
        expression = query.resolve_ref(path, allow_joins=True)
        return expression.output_field.get_internal_type()
    except Exception:  # noqa: BLE001 - an unknown kind of value: the Python writer
        return None


def _plain_cell(column, queryset, path: str):
    """The SQL of a cell that writes its value as it is (`convert` None)."""
    kind = _output_type(queryset, path)
    value = F(path)
    if kind in TEXT_TYPES:
        return SafeText(value) if column.text else Cast(value, models.TextField())
    if kind == "DateField":
        return Template(value, "({})::text")  # YYYY-MM-DD: the COPY runs with DateStyle ISO
    if kind == "DateTimeField" and column.datetime:
        zone = timezone.get_current_timezone_name()
        return Template(value, "to_char(({}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", zone)
    if kind in NUMBER_TYPES:
        return Cast(value, models.TextField())
    if kind == "BooleanField":
        return Template(value, "CASE WHEN {} THEN 'True' WHEN NOT {} THEN 'False' END")
    return None


def _text(value, text: bool) -> str:
    """A cell's text as the Python writer writes it."""
    if value is None:
        return ""
    if value.__class__ is str and (
        not text or not value or (value[0] not in TRIGGERS and value.isprintable())
    ):
        return value  # what safe_cell returns, without calling it (10k labels)
    return str(safe_cell(value) if text else value)


def _map_key(key) -> str | None:
    """A dict key as PostgreSQL writes the value as text (None: a key it cannot match)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, str | int):
        return str(key)
    return None


def _mapped_cell(column, labels: dict):
    """A `Labels` map: its label, else the value itself, "" for NULL."""
    mapping = {}
    for key, label in labels.items():
        text_key = _map_key(key)
        if text_key is None:
            return None
        mapping[text_key] = _text(label, column.text)
    (path,) = column.paths
    value = Cast(F(path), models.TextField())
    value = SafeText(value) if column.text else value  # a value not among the labels
    return Lookup(F(path), mapping, default=Coalesce(value, Value("")))


class DistinctValues:
    """The distinct values a computed column reads in the exported rows, each read by one
    `SELECT DISTINCT` per export, however many columns read them (an institution's country
    names its region and whether it is on the Belt and Road)."""

    def __init__(self, queryset, wider: list[tuple[str, ...]] = ()):
        self.queryset = queryset.order_by()
        self.read: dict[tuple[str, ...], list] = {}
        self.wider = [tuple(paths) for paths in wider if len(paths) > 1]

    def __call__(self, paths: tuple[str, ...]) -> list[tuple]:
        """Return [(key, value, ...)]: the value's text (None for NULL) for one path, else
        `key_of` the values.

        One path that a tuple of `wider` holds is read with that tuple, which a column asks
        for too (an institution's country, and its country and city): one query less."""
        if paths not in self.read:
            if len(paths) == 1:
                wider = next((w for w in self.wider if paths[0] in w), None)
                self.read[paths] = self._of_one(paths[0], wider)
            else:
                self.read[paths] = self._of_many(paths)
        return self.read[paths]

    def _of_one(self, path, wider=None):
        if wider is None:
            values = list(self.queryset.values_list(path, flat=True).distinct())
        else:
            index = wider.index(path)
            values = list(dict.fromkeys(row[index + 1] for row in self(wider)))
        if all(_text_known(value) for value in values):
            return [(None if value is None else str(value), value) for value in values]
        # A value whose text Python cannot tell as PostgreSQL writes it: the database's text.
        key = Cast(F(path), models.TextField())
        return list(
            self.queryset.annotate(export_key=key).values_list("export_key", path).distinct()
        )

    def _of_many(self, paths):
        rows = list(self.queryset.values_list(*paths).distinct())
        keys = [_key_text(values) for values in rows]
        if None not in keys:
            return [(key, *values) for key, values in zip(keys, rows, strict=True)]
        # A value whose text Python cannot tell as PostgreSQL writes it: the database's key.
        key = key_of([F(path) for path in paths])
        return list(
            self.queryset.annotate(export_key=key).values_list("export_key", *paths).distinct()
        )


def _text_known(value) -> bool:
    """Whether Python tells `value`'s text as PostgreSQL writes it (None, a text, an integer)."""
    return value is None or value.__class__ in (str, int)


def _key_text(values) -> str | None:
    """`key_of` of these values as PostgreSQL makes it, for texts and integers (None when a
    value is of another kind)."""
    parts = []
    for value in values:
        if value is None:
            parts.append("n")
        elif value.__class__ is str or value.__class__ is int:
            text = str(value)
            parts.append(f"v{len(text)}:{text}")
        else:
            return None
    return "".join(parts)


def _computed_cell(column, distinct: DistinctValues):
    """A function of the row's values: called once per distinct value, looked up by key."""
    paths = tuple(column.paths)
    if len(paths) == 1:
        return _computed_of_one(column, distinct, paths[0])
    rows = distinct(paths)
    mapping = {found: _text(column.convert(tuple(values)), column.text) for found, *values in rows}
    if len(paths) == 2:
        by_first = _by_first_value(paths, rows, mapping)
        if by_first is not None:
            return by_first
    return Lookup(key_of([F(path) for path in paths]), mapping)


def _by_first_value(paths, rows, mapping):
    """A function of two values (texts or integers) whose text depends on the second for at
    most `Lookup.FEW` of the first (an institution's Greater Bay Area: the city counts in
    China alone), looked up by the first value and, for those few, by the second: no key of
    both made for every row. None where that does not hold."""
    first_path, second_path = paths
    texts_by_first: dict = {}
    for found, first, second in rows:
        if not (_text_known(first) and _text_known(second)):
            return None
        texts_by_first.setdefault(first, {})[second] = mapping[found]
    mixed = {
        first: texts for first, texts in texts_by_first.items() if len(set(texts.values())) > 1
    }
    if len(mixed) > Lookup.FEW:
        return None
    alone = {
        first: next(iter(texts.values()))
        for first, texts in texts_by_first.items()
        if first not in mixed
    }
    cases = [
        When(
            Q(**{f"{first_path}__isnull": True}) if first is None else Q(**{first_path: first}),
            then=_lookup_of_one(second_path, _keyed(texts)),
        )
        for first, texts in mixed.items()
    ]
    by_first = _lookup_of_one(first_path, _keyed(alone))
    return Case(*cases, default=by_first, output_field=models.TextField()) if cases else by_first


def _computed_of_one(column, distinct: DistinctValues, path: str):
    """A function of one value: the value's text is its key, NULL is asked apart."""
    texts = {found: _text(column.convert(value), column.text) for found, value in distinct((path,))}
    return _lookup_of_one(path, texts)


def _keyed(texts: dict) -> dict:
    """{value's text (None for NULL): text} of {value (a text, an integer or None): text}."""
    return {None if value is None else str(value): text for value, text in texts.items()}


def _lookup_of_one(path: str, texts: dict):
    """`texts[<the row's path as text>]`, `texts[None]` for NULL."""
    for_null = texts.get(None, "")
    mapping = {found: text for found, text in texts.items() if found is not None}
    lookup = Lookup(Cast(F(path), models.TextField()), mapping)
    if not for_null:
        return lookup
    return Case(
        When(**{f"{path}__isnull": True}, then=Value(for_null)),
        default=lookup,
        output_field=models.TextField(),
    )


def _masked_cell(column, queryset):
    """`foreign_affairs.privacy.mask` in SQL: `E12****78`, `*****` up to five characters, a
    date as its year."""
    (path,) = column.paths
    kind = _output_type(queryset, path)
    if kind == "DateField":
        return Template(F(path), "to_char({}, 'FM0000') || '年**月**日'")
    if kind not in TEXT_TYPES:
        return None
    masked = Template(
        F(path),
        "CASE WHEN char_length({}) <= 5 THEN repeat('*', char_length({}))"
        " ELSE left({}, 3) || '****' || right({}, 2) END",
    )
    return SafeText(masked) if column.text else masked


def cell_expression(column, queryset, distinct: DistinctValues | None = None):
    """Return the SQL expression of the text of `column`'s cell, or None when the Python
    writer must write it (`distinct`: the values read for the export's other columns)."""
    from foreign_affairs.exports import Labels

    if column.needs_record:
        return None
    if column.bulk is not None:
        cells = column.bulk(queryset)
        texts = {cell: _text(cell, column.text) for cell in set(cells.values())}
        return Lookup(F("pk"), {pk: texts[cell] for pk, cell in cells.items()})
    if column.labels is not None:
        labels = column.labels.load()
        mapping = {pk: _text(label, column.text) for pk, label in labels.items()}
        return Lookup(F(column.paths[0]), mapping)
    if column.sql is not None:
        expression = column.sql(*(F(path) for path in column.paths))
        return SafeText(expression) if column.text else expression
    if column.convert is None:
        annotation = queryset.query.annotations.get(column.paths[0])
        if isinstance(annotation, RelatedCount):  # one grouped query, not a subquery a row
            counts = annotation.counts(queryset)
            return Lookup(F("pk"), {pk: str(count) for pk, count in counts.items()}, Value("0"))
        return _plain_cell(column, queryset, column.paths[0])
    if column.convert is mask:
        return _masked_cell(column, queryset)
    owner = getattr(column.convert, "__self__", None)
    if isinstance(owner, Labels):
        return _mapped_cell(column, owner)
    return _computed_cell(column, distinct or DistinctValues(queryset))


def copy_query(columns, queryset) -> tuple[str, list] | None:
    """Return (SQL, parameters) of the `COPY` writing the rows of `queryset` (in its order)
    as these columns' cells, or None when it is not PostgreSQL or a column cannot be
    written in SQL."""
    if connections[queryset.db].vendor != "postgresql" or not columns:
        return None
    cells = {}
    distinct = DistinctValues(queryset, wider=[column.paths for column in columns])
    for index, column in enumerate(columns):
        expression = cell_expression(column, queryset, distinct)
        if expression is None:
            return None
        cells[f"export_cell_{index}"] = Template(expression, "NULLIF({}, '')")
    rows = queryset.annotate(**cells).values_list(*cells)
    statement = _copy_statement(rows, len(cells), careful=False)
    if statement is None:
        return None
    return Copy(*statement, careful=lambda: _copy_statement(rows, len(cells), careful=True))


class Copy(tuple):
    """(SQL, parameters) of a `COPY` whose texts have their first character checked alone,
    and `careful()`: the (SQL, parameters) of the same `COPY` with every text checked for a
    removed character too (`SafeText`)."""

    def __new__(cls, sql: str, params: list, careful):
        copy = super().__new__(cls, (sql, params))
        copy.careful = careful
        return copy


def _copy_statement(rows, count: int, careful: bool) -> tuple[str, list] | None:
    token = _CAREFUL.set(careful)
    try:
        compiler = rows.query.get_compiler(using=rows.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None  # a filter no row can match (a search of no record): no rows to write
        if compiler.has_extra_select or compiler.col_count != count:
            return None  # a DISTINCT selects its ORDER BY columns too: they would be written
        sql, params = sorted_first(compiler, sql, list(params))
    finally:
        _CAREFUL.reset(token)
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


# A single-quoted SQL literal ('' inside it is a quote).
LITERAL = re.compile(r"'(?:[^']|'')*'")


def sorted_first(compiler, sql: str, params: list) -> tuple[str, list]:
    """Return `sql` (cells of sorted rows) rewritten to sort the rows first and make the cells
    of the sorted rows:

        SELECT <cells, reading s."export_ref_N"> FROM (
            SELECT <each column the cells read> AS "export_ref_N" FROM … WHERE … ORDER BY …
            OFFSET 0) s

    Sorting the rows with their cells moves every cell's text through the sort, and a join
    makes the cells before it sorts: at 10k rows a third of an export's time. The subquery
    reads only the columns the cells need (not `SELECT *`), is not merged into the outer
    query (OFFSET 0), and the outer query only computes, in its order.

    `compiler` compiled `sql` (its `as_sql`): the cells and the ORDER BY are found exactly as
    it wrote them (each checked); a query with GROUP BY or DISTINCT, or one whose parts are not
    found, is returned as it is."""
    query = compiler.query
    if query.group_by is not None or query.distinct:
        return sql, params
    quote = compiler.connection.ops.quote_name
    cell_sql, cell_params = [], []
    for _, (cell, cell_param), alias in compiler.select:
        cell_sql.append(f"{cell} AS {quote(alias)}" if alias else cell)
        cell_params += cell_param
    order_sql, order_params = [], []
    for _, (sorted_by, sorted_params, _) in compiler.get_order_by():
        order_sql.append(sorted_by)
        order_params += sorted_params
    cells = ", ".join(cell_sql)
    head, order = f"SELECT {cells}", " ORDER BY " + ", ".join(order_sql)
    tail = sql[len(head) : len(sql) - len(order)]  # " FROM … WHERE …"
    tail_params = params[len(cell_params) : len(params) - len(order_params)]
    if (
        not order_sql
        or not sql.startswith(head + " FROM ")
        or not sql.endswith(order)
        or [*cell_params, *tail_params, *order_params] != params
        or " GROUP BY " in tail
    ):
        return sql, params
    # The columns the cells read: an alias of the query (a table, quoted, or T3) and a
    # column, outside the literals (a subquery's own aliases, U0, are not the query's).
    aliases = "|".join(
        re.escape(quote(alias) if alias in query.table_map else alias) for alias in query.alias_map
    )
    reference = re.compile(rf'(?<![\w"])(?:{aliases})\."[^"]+"')
    columns: dict[str, str] = {}

    def outer(match):
        name = columns.setdefault(match.group(0), f'"export_ref_{len(columns)}"')
        return f"s.{name}"

    pieces = re.split(f"({LITERAL.pattern})", cells)
    cells = "".join(
        piece if index % 2 else reference.sub(outer, piece) for index, piece in enumerate(pieces)
    )
    read = ", ".join(f"{column} AS {name}" for column, name in columns.items()) or "1"
    inner = f"SELECT {read}{tail}{order} OFFSET 0"
    return (
        f"SELECT {cells} FROM ({inner}) s",
        [*cell_params, *tail_params, *order_params],
    )


# The settings of the transaction a `COPY` runs in:
# * An export reads every row once: compiling its expressions to machine code (JIT, chosen by
#   the cost of 10k rows) takes longer than it saves.
# * A date's text is YYYY-MM-DD whatever the session's date style.
# * The table an export reads whole is in memory, where a page read in an index's order costs
#   about what one read in turn does (PostgreSQL's documentation of random_page_cost: lower
#   it when the data is cached): the rows are read in the list's order by its index instead
#   of sorted (plan lines at 10k rows: 23 ms → 15 ms), which the default of 4 does not choose.
COPY_SETTINGS = (
    "SET LOCAL jit = off; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL random_page_cost = 1.1"
)


def copy_csv(copy: tuple[str, list], using: str) -> bytes:
    """Run the `COPY` of `copy_query` and return the CSV it wrote (UTF-8, no header).

    A file holding a removed character anywhere is written again by `copy.careful()`: its
    texts were written with their first character checked alone (`Copy`)."""
    written = _run_copy(copy, using)
    careful = getattr(copy, "careful", None)
    if careful is not None and any(character in written for character in REMOVED_BYTES):
        written = _run_copy(careful(), using)
    return written


def _run_copy(copy: tuple[str, list], using: str) -> bytes:
    import io

    sql, params = copy
    buffer = io.BytesIO()
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(COPY_SETTINGS)
        raw = cursor.cursor  # psycopg2's own cursor: copy_expert
        statement = raw.mogrify(sql, params).decode()
        logged = getattr(cursor, "debug_sql", None)  # DEBUG and tests count it as a query
        if logged is None:
            raw.copy_expert(statement, buffer)
        else:
            with logged(statement):
                raw.copy_expert(statement, buffer)
    return buffer.getvalue()
