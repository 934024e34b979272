"""The faculty app's part of the dashboard: foreign teachers employed."""

from django.urls import reverse
from django.utils.translation import gettext as _

from faculty.models import ForeignTeacher
from foreign_affairs.regions import HONG_KONG_MACAU_TAIWAN
from foreign_affairs.registry import Count, register_dashboard


@register_dashboard
def faculty_panel(user) -> dict:
    if not user.has_perm("faculty.view_foreignteacher"):
        return {}
    # 港澳台 teachers are not foreign teachers: counted apart (issue 8).
    employed = (
        ForeignTeacher.objects.filter(status=ForeignTeacher.Status.EMPLOYED)
        .exclude(nationality__in=HONG_KONG_MACAU_TAIWAN)
        .count()
    )
    url = reverse("faculty:foreignteacher_list") + "?status=employed"
    return {"counts": [Count(_("Teachers employed"), employed, url)]}
