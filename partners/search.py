from foreign_affairs.registry import register_search
from partners.models import Agreement, Contact, Institution

register_search(Institution, "name_zh", "name_en", "short_name", "city")
register_search(
    Agreement,
    "title",
    "approval_reference",
    "institution__name_zh",
    "institution__name_en",
    select_related=("institution",),
)
register_search(
    Contact,
    "name",
    "title",
    "email",
    "institution__name_zh",
    "institution__name_en",
    select_related=("institution",),
)
