from exchanges.models import ExchangeProject, Visit
from foreign_affairs.registry import register_search

register_search(
    ExchangeProject, "name", "lead_department", "partners__name_zh", "partners__name_en"
)
register_search(
    Visit, "title", "delegation", "members__name", "institutions__name_zh", "institutions__name_en"
)
