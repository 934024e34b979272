"""The portal's roles (Django groups) and the model permissions each one holds (DESIGN §1).

`sync_roles` sets every group's permissions to exactly what is listed here; data migrations
call it, so `manage.py migrate` alone yields working roles. Add a migration that calls it
again when a model or a rule is added (a grant of a model that does not exist yet in the
migration state is skipped; tests/foreign_affairs/test_roles.py pins the final result).
"""

from django.utils.translation import gettext_lazy as _

from foreign_affairs.models import is_history_model

DOMAIN_APPS = ("partners", "exchanges", "faculty", "reports")
ALL_ACTIONS = ("view", "add", "change", "delete")

OFFICE_STAFF = "office_staff"
LEADERSHIP = "leadership"
LIAISON = "liaison"

ROLE_LABELS = {
    OFFICE_STAFF: _("Foreign affairs office staff"),
    LEADERSHIP: _("School leadership"),
    LIAISON: _("Department liaison"),
}

# role -> list of (app label, model name or "*", actions), plus extra "app.codename" grants.
ROLES: dict[str, dict] = {
    OFFICE_STAFF: {
        "grants": [(app, "*", ALL_ACTIONS) for app in DOMAIN_APPS],
        "extra": [
            "faculty.view_personal_data",
            "reports.submit_annualreport",
            # The office runs the visit process and keeps the travel documents.
            *(
                f"exchanges.{step}_visit"
                for step in (
                    "submit",
                    "review",
                    "send_back",
                    "approve",
                    "depart",
                    "come_back",
                    "file_report",
                    "receive",
                    "close",
                    "cancel",
                )
            ),
            "exchanges.hand_out_passportcustody",
            "exchanges.take_back_passportcustody",
        ],
    },
    LEADERSHIP: {
        "grants": [(app, "*", ("view",)) for app in DOMAIN_APPS],
        "extra": ["reports.approve_annualreport", "reports.return_annualreport"],
    },
    LIAISON: {
        "grants": [
            ("partners", "*", ("view",)),
            ("exchanges", "exchangeproject", ("view", "add")),
            ("exchanges", "visit", ("view", "add")),
            ("exchanges", "visitmember", ("view",)),
            ("exchanges", "visitplanline", ("view",)),
        ],
        # On their own proposals only (the workflow's `own_records_only`).
        "extra": [
            "exchanges.submit_visit",
            "exchanges.file_report_visit",
            "exchanges.cancel_visit",
        ],
    },
}


def _domain_model_names(apps, app_label: str) -> list[str]:
    """Return the model names of an app, without simple-history's historical models."""
    return [
        model._meta.model_name
        for model in apps.get_app_config(app_label).get_models()
        if not is_history_model(model)
    ]


def role_codenames(apps, role: str) -> set[tuple[str, str]]:
    """Return the (app label, codename) pairs the role is granted."""
    spec = ROLES[role]
    wanted = set()
    for app_label, model_name, actions in spec["grants"]:
        names = _domain_model_names(apps, app_label) if model_name == "*" else [model_name]
        wanted |= {(app_label, f"{action}_{name}") for name in names for action in actions}
    wanted |= {tuple(perm.split(".", 1)) for perm in spec["extra"]}
    return wanted


def sync_roles(apps, schema_editor=None) -> None:
    """Create the groups and give each exactly the permissions of ROLES (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        wanted = role_codenames(apps, role)
        perms = [
            perm
            for perm in Permission.objects.filter(
                content_type__app_label__in=DOMAIN_APPS
            ).select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(perms)


def group_label(group) -> str:
    """Return how a group is named to people: its role's label, else its own name."""
    return str(ROLE_LABELS.get(group.name, group.name))


def name_groups_by_role() -> None:
    """Show the role groups by their translated labels wherever a group is shown (admin lists,
    filters and pickers, history), not by their keys (`office_staff`). AppConfig.ready."""
    from django.contrib.auth.models import Group

    Group.__str__ = group_label


def role_labels(user) -> list:
    """Return the names of the user's roles, for the page header."""
    labels = [ROLE_LABELS[g.name] for g in user.groups.all() if g.name in ROLE_LABELS]
    if user.is_superuser:
        labels.insert(0, _("System administrator"))
    return labels
