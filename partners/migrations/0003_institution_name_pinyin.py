"""The index of the institutions list's order, their Chinese names in pinyin, on PostgreSQL
(foreign_affairs.collation.pinyin_index)."""

from django.db import migrations

from foreign_affairs.collation import pinyin_index


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0002_interaction_institution_date"),
        ("foreign_affairs", "0008_pinyin_collation"),
    ]

    operations = [
        pinyin_index("partners.Institution", "name_zh", "institution_name_pinyin"),
    ]
