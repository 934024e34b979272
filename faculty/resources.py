"""Excel import of foreign teachers (keyed by passport name and date of birth)."""

from faculty.models import ForeignTeacher
from foreign_affairs.imports import ImportResource


class ForeignTeacherResource(ImportResource):
    import_key = ("family_name", "given_name", "date_of_birth")
    column_aliases = {
        "family_name": ("姓", "surname", "family name"),
        "given_name": ("名", "given name"),
    }

    class Meta:
        model = ForeignTeacher
        fields = (
            "family_name",
            "given_name",
            "chinese_name",
            "gender",
            "date_of_birth",
            "nationality",
            "email",
            "phone",
            "highest_degree",
            "degree_field",
            "degree_in_education_or_language",
            "has_tefl_certificate",
            "has_teaching_licence",
            "years_experience",
            "native_language",
            "teaches_native_language",
            "subjects",
            "department",
            "employment",
            "status",
            "has_guarantee_letter",
            "notes",
        )
