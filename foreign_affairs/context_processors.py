"""Values every template of the portal needs."""

from django.conf import settings


def portal(request):
    """Return the school name for page headers."""
    return {"SCHOOL_NAME": settings.SCHOOL_NAME}
