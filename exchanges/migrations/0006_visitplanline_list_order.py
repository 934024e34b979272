"""The indexes of the lists' orders: plan lines by year and month; projects and passports
in pinyin, on PostgreSQL (foreign_affairs.collation.pinyin_index)."""

from django.db import migrations, models

from foreign_affairs.collation import pinyin_index


class Migration(migrations.Migration):

    dependencies = [
        ("exchanges", "0005_visit_trip_dates"),
        ("foreign_affairs", "0008_pinyin_collation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="visitplanline",
            index=models.Index(
                fields=["-year", "planned_month", "id"], name="visitplanline_list_order"
            ),
        ),
        pinyin_index("exchanges.ExchangeProject", "name", "exchangeproject_name_pinyin"),
        pinyin_index("exchanges.PassportCustody", "holder", "passportcustody_holder_pinyin"),
    ]
