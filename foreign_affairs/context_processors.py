"""Values every template of the portal needs."""

from django.conf import settings

from foreign_affairs.models import InboxItem
from foreign_affairs.roles import role_labels


def portal(request):
    """Return the school name, the user's role names and open inbox items for the header."""
    user = getattr(request, "user", None)
    if not hasattr(request, "_portal_roles"):  # once per request, however many templates
        authenticated = user is not None and user.is_authenticated
        request._portal_roles = role_labels(user) if authenticated else []
        request._portal_inbox = (
            InboxItem.objects.filter(recipient=user).open().count() if authenticated else 0
        )
    return {
        "SCHOOL_NAME": settings.SCHOOL_NAME,
        "user_roles": request._portal_roles,
        "inbox_count": request._portal_inbox,
    }
