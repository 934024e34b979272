from django.db import migrations

from foreign_affairs.roles import sync_roles


class Migration(migrations.Migration):
    """Grant the workflow steps (submit, approve, hand out …) to the roles that take them."""

    dependencies = [
        ("foreign_affairs", "0003_inboxitem_statechange"),
        ("exchanges", "0004_visit_approval_constraint"),
        ("reports", "0002_report_workflow"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
