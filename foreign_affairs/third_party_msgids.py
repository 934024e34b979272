"""English strings of Django and the packages the portal uses that their Chinese catalogs lack.

Django reads our catalog (LOCALE_PATHS) before theirs, so their untranslated strings get
Chinese from locale/zh_Hans once they are listed here: `makemessages` extracts these
`gettext_noop` calls and keeps the entries. tests/test_zh_complete.py finds new ones.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN = [
    # The admin's model tables (admin/app_list.html, column headers for screen readers).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]

SIMPLE_HISTORY = [
    gettext_noop("Changes"),
]

# django-axes has no Chinese catalog: its models and admin (login lockout, access log).
AXES = [
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]
