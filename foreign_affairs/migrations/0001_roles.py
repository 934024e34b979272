from django.db import migrations

from foreign_affairs.roles import sync_roles


class Migration(migrations.Migration):
    """Create the groups office_staff, leadership and liaison with their permissions."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0001_initial"),
        ("exchanges", "0001_initial"),
        ("faculty", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
