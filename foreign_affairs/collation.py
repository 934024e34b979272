"""Chinese sorted by pinyin (拼音), as an office reads a list, on both databases.

`pinyin_key(text)` sorts in Python (country names, choices); `pinyin(field)` sorts querysets:
`Institution.objects.order_by(pinyin("name_zh"))`, or `pinyin("name_zh").desc()`.

* PostgreSQL: the ICU collation `pinyin` (`zh-u-co-pinyin`) that migration
  foreign_affairs/0008_pinyin_collation creates.
* SQLite: a collation of the same name, registered on every new connection, that compares
  `pinyin_key`s.

Both put digits and punctuation first, then Chinese by syllable and tone, then Latin letters
(case and accents ignored), as ICU's Chinese collation does.
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "pinyin"
ICU_LOCALE = "zh-u-co-pinyin"

_SIGNS, _HAN, _LATIN = 0, 1, 2


@functools.lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple:
    """Return a sort key that orders Chinese by pinyin and other text alphabetically.

    As a collation does, in three levels: the letters (syllables), then the tones, then the
    characters themselves (so 「Å」 sorts with 「A」 and only breaks a tie).
    """
    text = text or ""
    syllables = _syllables(text)
    if len(syllables) != len(text):  # one character at a time if a phrase did not align
        syllables = [_syllables(char)[0] for char in text]
    keys = [_char_key(char, syllable) for char, syllable in zip(text, syllables, strict=True)]
    return tuple(k[0] for k in keys), tuple(k[1] for k in keys), text


def _syllables(text: str) -> list[str]:
    """Return the pinyin of each character with its tone digit ("" for a non-Chinese one).

    pypinyin is imported on first use: its phrase dictionary costs seconds and tens of MB,
    which a process that never sorts Chinese (a PDF export, a migration) does not pay."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(
        text, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: [""] * len(s)
    )


def _char_key(char: str, syllable: str) -> tuple[tuple[int, str], int]:
    """Return ((script group, letters), tone) of one character."""
    if syllable:
        letters = syllable.rstrip("012345")
        return (_HAN, letters), int(syllable[len(letters) :] or 5)
    plain = unicodedata.normalize("NFKD", char).casefold()
    plain = "".join(c for c in plain if not unicodedata.combining(c)) or char
    return (_LATIN if plain.isalpha() else _SIGNS, plain), 0


def pinyin_compare(left: str | None, right: str | None) -> int:
    """Compare two strings by `pinyin_key` (SQLite's collation callback)."""
    left_key, right_key = pinyin_key(left or ""), pinyin_key(right or "")
    return (left_key > right_key) - (left_key < right_key)


def pinyin(field: str) -> Collate:
    """Return `field` in pinyin order, for `order_by()` and django-tables2's `order_by`."""
    return Collate(F(field), COLLATION)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Teach every new SQLite connection the `pinyin` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, pinyin_compare)


connection_created.connect(register_sqlite_collation, dispatch_uid="pinyin_collation")


def pinyin_order(queryset, is_descending: bool, *fields: str):
    """Order a table's rows by `fields` in pinyin: the body of a django-tables2
    `order_<column>(self, queryset, is_descending)` method."""
    order = [pinyin(field).desc() if is_descending else pinyin(field).asc() for field in fields]
    return queryset.order_by(*order, "-pk"), True  # ties newest first, as every list


def pinyin_index(model_name: str, field: str, name: str):
    """Return the migration operation adding, on PostgreSQL, the index of a list's pinyin order
    (`pinyin_order(queryset, False, field)`: `field` in pinyin, then the newest first).

    A list's page reads its first rows in the index's order instead of comparing every row
    through ICU, and its export reads every row so instead of sorting them (institutions at
    10k rows: a 14 ms sort, a 3 ms index scan; issue 12). SQLite compares through Python
    (`register_sqlite_collation`), a collation its index could not be used without: none.
    """
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(model_name)
            quote = schema_editor.quote_name
            column = model._meta.get_field(field).column
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(model._meta.db_table)} "
                f"({quote(column)} COLLATE {quote(COLLATION)}, {quote('id')} DESC)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(create, drop, elidable=False)
