"""Excel import of exchange participants (the project by its name; keyed by project + number)."""

from import_export.fields import Field

from exchanges.models import ExchangeProject, Participant
from foreign_affairs.imports import ImportResource, NamedForeignKeyWidget


class ParticipantResource(ImportResource):
    """A row updates the participant with its number in the project, or without one its name."""

    project = Field(attribute="project", widget=NamedForeignKeyWidget(ExchangeProject))
    import_key = ("project", "number", "name")
    column_aliases = {"project": ("项目", "项目名称"), "name": ("姓名",)}

    class Meta:
        model = Participant
        fields = (
            "project",
            "name",
            "kind",
            "department",
            "number",
            "direction",
            "status",
            "start_on",
            "end_on",
            "result",
        )

    def instance_lookup(self, row):
        project = self.fields["project"].clean(row)
        number = self.fields["number"].clean(row) if "number" in row else ""
        if number:
            return {"project": project, "number": number}
        name = self.fields["name"].clean(row)
        return {"project": project, "name": name} if name else None

    def import_key_of(self, instance):
        if instance.project_id is None:
            return None
        if instance.number:
            return ("number", "project"), (instance.project_id, instance.number)
        return ("name", "project"), (instance.project_id, instance.name)
