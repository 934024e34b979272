"""The ICU collation `pinyin` on PostgreSQL (foreign_affairs/collation.py).

SQLite gets its collation of the same name on every connection instead (no migration).
"""

from django.db import migrations

COLLATION = "pinyin"  # foreign_affairs.collation.COLLATION
ICU_LOCALE = "zh-u-co-pinyin"


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "{COLLATION}" '
            f"(provider = icu, locale = '{ICU_LOCALE}')"
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{COLLATION}"')


class Migration(migrations.Migration):

    dependencies = [
        ("foreign_affairs", "0007_deletion_batch"),
    ]

    operations = [
        migrations.RunPython(create_collation, drop_collation, elidable=False),
    ]
