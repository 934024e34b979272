"""A list's CSV export written by PostgreSQL (`COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`).

The Python writer (`foreign_affairs.exports.csv_response`) reads every row into Python
objects, converts each cell and writes it with the csv module: at 10k rows that is about
twice a bare `values_list` and `csv.writer` of the same cells (issue 12). Here the database
writes the cells itself, each made in SQL exactly as the Python writer makes it:

- a text: the control characters XML forbids removed (`translate`), a leading `'` before a
  formula trigger (`foreign_affairs.spreadsheets.safe_cell`, the same characters);
- a date `YYYY-MM-DD`, a date and time in the active time zone `YYYY-MM-DD HH:MM`, a number
  as Python writes it (`::text`);
- a label (choices, countries, booleans, a related record's label, a computed column, a
  table's bulk column such as a teacher's legal status) looked up in a `jsonb` object built
  in Python, from the same maps and functions as the Python writer: a function of the
  row's values is called once per distinct value, read by one `SELECT DISTINCT` whose key the
  database computes for both queries; a model may give its label as SQL instead
  (`label_expression`, `ForeignTeacher`);
- an empty cell is written as nothing (a NULL), not as `""`.

Rows are written in the queryset's order by the same query; for a table without joins the rows
are sorted before their cells are made (`sorted_first`), and the `COPY` runs without JIT. The
CSV is read into memory before it is sent (about 1.4 MB for 10k rows). An export with a column that
needs the record itself (a table's `value_<name>`) or a value of a kind not listed is left
to the Python writer (`copy_query` returns None). tests/test_export.py compares both writers
cell for cell on PostgreSQL.
"""

import json

from django.db import connections, models, transaction
from django.db.models import Case, Expression, F, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from foreign_affairs.privacy import mask
from foreign_affairs.spreadsheets import FORMULA_TRIGGERS, safe_cell

TRIGGERS = frozenset(FORMULA_TRIGGERS)
# The characters `safe_cell` removes (PostgreSQL's text cannot hold NUL).
REMOVED = "".join(chr(code) for code in (*range(1, 9), 11, 12, *range(14, 32)))
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField", "CountryField"}
NUMBER_TYPES = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "DecimalField",
}


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
    """The text a `jsonb` object holds under the key `key` (a text expression), else
    `default` (an expression, or None for an empty cell)."""

    output_field = models.TextField()

    def __init__(self, key, mapping: dict[str, str], default=None):
        super().__init__()
        self.key, self.mapping, self.default = key, mapping, default

    def get_source_expressions(self):
        return [self.key] if self.default is None else [self.key, self.default]

    def set_source_expressions(self, expressions):
        self.key, *rest = expressions
        self.default = rest[0] if rest else None

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        data = json.dumps(self.mapping, ensure_ascii=False)
        lookup = f"(%s::jsonb ->> ({key_sql})::text)"
        if self.default is None:
            return lookup, [data, *key_params]
        default_sql, default_params = compiler.compile(self.default)
        return f"COALESCE({lookup}, {default_sql})", [data, *key_params, *default_params]


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
        return Template(value, "to_char({}, 'YYYY-MM-DD')")
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
    return Lookup(F(path), mapping, default=Coalesce(Cast(F(path), models.TextField()), Value("")))


def _computed_cell(column, queryset):
    """A function of the row's values: called once per distinct value, looked up by key."""
    paths = list(column.paths)
    if len(paths) == 1:
        return _computed_of_one(column, queryset, paths[0])
    key = key_of([F(path) for path in paths])
    distinct = (
        queryset.order_by().annotate(export_key=key).values_list("export_key", *paths).distinct()
    )
    mapping = {
        found: _text(column.convert(tuple(values)), column.text) for found, *values in distinct
    }
    return Lookup(key, mapping)


def _computed_of_one(column, queryset, path: str):
    """A function of one value: the value's text is its key, NULL is asked apart."""
    key = Cast(F(path), models.TextField())
    distinct = queryset.order_by().annotate(export_key=key).values_list("export_key", path)
    mapping, for_null = {}, ""
    for found, value in distinct.distinct():
        text = _text(column.convert(value), column.text)
        if found is None:
            for_null = text
        else:
            mapping[found] = text
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


def cell_expression(column, queryset):
    """Return the SQL expression of the text of `column`'s cell, or None when the Python
    writer must write it."""
    from foreign_affairs.exports import Labels

    if column.needs_record:
        return None
    if column.bulk is not None:
        mapping = {str(pk): _text(cell, column.text) for pk, cell in column.bulk(queryset).items()}
        return Lookup(F("pk"), mapping)
    if column.labels is not None:
        labels = column.labels.load()
        mapping = {str(pk): _text(label, column.text) for pk, label in labels.items()}
        return Lookup(F(column.paths[0]), mapping)
    if column.sql is not None:
        expression = column.sql(*(F(path) for path in column.paths))
        return SafeText(expression) if column.text else expression
    if column.convert is None:
        return _plain_cell(column, queryset, column.paths[0])
    if column.convert is mask:
        return _masked_cell(column, queryset)
    owner = getattr(column.convert, "__self__", None)
    if isinstance(owner, Labels):
        return _mapped_cell(column, owner)
    return _computed_cell(column, queryset)


def copy_query(columns, queryset) -> tuple[str, list] | None:
    """Return (SQL, parameters) of the `COPY` writing the rows of `queryset` (in its order)
    as these columns' cells, or None when it is not PostgreSQL or a column cannot be
    written in SQL."""
    if connections[queryset.db].vendor != "postgresql" or not columns:
        return None
    cells = {}
    for index, column in enumerate(columns):
        expression = cell_expression(column, queryset)
        if expression is None:
            return None
        cells[f"export_cell_{index}"] = Template(expression, "NULLIF({}, '')")
    rows = queryset.annotate(**cells).values_list(*cells)
    compiler = rows.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if compiler.has_extra_select or compiler.col_count != len(cells):
        return None  # a DISTINCT selects its ORDER BY columns too: they would be written
    sql, params = sorted_first(queryset, rows, sql, list(params))
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


def sorted_first(queryset, rows, sql: str, params: list) -> tuple[str, list]:
    """Return `sql` (the cells of `rows`, sorted) rewritten to sort the table's rows first
    and make the cells of the sorted rows: `SELECT <cells> FROM (SELECT * FROM t WHERE …
    ORDER BY … OFFSET 0) t`. Sorting the rows with their cells moves every cell's text
    through the sort: a third of the export's time at 10k rows. The same rows in the same
    order; the subquery is not merged into the outer query (OFFSET 0) and the outer query
    only computes.

    Only for a query of one table (no join), whose parts are found exactly as compiled
    (each checked); otherwise `sql` as it is."""
    using = queryset.db
    quote = connections[using].ops.quote_name
    table = quote(queryset.model._meta.db_table)
    keys_sql, keys_params = (
        queryset.order_by().values_list("pk").query.get_compiler(using=using).as_sql()
    )
    pk = quote(queryset.model._meta.pk.column)
    head = f'SELECT {table}.{pk} AS "pk" FROM {table}'
    unsorted_sql, unsorted_params = rows.order_by().query.get_compiler(using=using).as_sql()
    if not keys_sql.startswith(head) or not sql.startswith(unsorted_sql):
        return sql, params
    where, where_params = keys_sql[len(head) :], list(keys_params)  # "" or " WHERE …"
    tail = f" FROM {table}{where}"
    order, order_params = sql[len(unsorted_sql) :], params[len(unsorted_params) :]
    if (
        not unsorted_sql.startswith("SELECT ")
        or not unsorted_sql.endswith(tail)
        or not order.startswith(" ORDER BY ")
        or list(unsorted_params[len(unsorted_params) - len(where_params) :]) != where_params
        or where_params + order_params != params[len(unsorted_params) - len(where_params) :]
    ):
        return sql, params
    cells = unsorted_sql[len("SELECT ") : len(unsorted_sql) - len(tail)]
    cell_params = list(unsorted_params[: len(unsorted_params) - len(where_params)])
    inner = f"SELECT * FROM {table}{where}{order} OFFSET 0"
    return f"SELECT {cells} FROM ({inner}) {table}", [*cell_params, *where_params, *order_params]


def copy_csv(copy: tuple[str, list], using: str) -> bytes:
    """Run the `COPY` of `copy_query` and return the CSV it wrote (UTF-8, no header)."""
    import io

    sql, params = copy
    buffer = io.BytesIO()
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # An export reads every row once: compiling its expressions to machine code (JIT,
        # chosen by the cost of 10k rows) takes longer than it saves.
        cursor.execute("SET LOCAL jit = off")
        raw = cursor.cursor  # psycopg2's own cursor: copy_expert
        statement = raw.mogrify(sql, params).decode()
        logged = getattr(cursor, "debug_sql", None)  # DEBUG and tests count it as a query
        if logged is None:
            raw.copy_expert(statement, buffer)
        else:
            with logged(statement):
                raw.copy_expert(statement, buffer)
    return buffer.getvalue()
