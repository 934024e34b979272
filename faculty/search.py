from faculty.models import ForeignTeacher
from foreign_affairs.registry import register_search

register_search(ForeignTeacher, "family_name", "given_name", "chinese_name", "subjects")
