"""Values every template of the portal needs."""

from django.conf import settings

from foreign_affairs.roles import role_labels


def portal(request):
    """Return the school name and the signed-in user's role names for the page header."""
    user = getattr(request, "user", None)
    roles = role_labels(user) if user is not None and user.is_authenticated else []
    return {"SCHOOL_NAME": settings.SCHOOL_NAME, "user_roles": roles}
