"""The partner the browser tests create: a New Zealand polytechnic and a 30-day agreement."""

from datetime import timedelta

from django.utils import timezone

INSTITUTION = "新西兰奥塔哥理工学院"
INSTITUTION_EN = "Otago Polytechnic"
AGREEMENT = "护理专业学生交换协议（奥塔哥）"
SEARCH = "奥塔哥"
EXPIRES_IN_DAYS = 30


def agreement_dates():
    """Return (valid from, valid until): today in the portal's time zone, and 30 days on."""
    today = timezone.localdate()
    return today, today + timedelta(days=EXPIRES_IN_DAYS)


def create_partner():
    """Create the institution and its agreement in the database (what the staff test types)."""
    from partners.models import Agreement, Institution

    institution = Institution.objects.create(
        name_zh=INSTITUTION,
        name_en=INSTITUTION_EN,
        kind=Institution.Kind.COLLEGE,
        country="NZ",
        status=Institution.Status.ACTIVE,
    )
    valid_from, valid_until = agreement_dates()
    agreement = Agreement.objects.create(
        institution=institution,
        title=AGREEMENT,
        status=Agreement.Status.IN_FORCE,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return institution, agreement
