from foreign_affairs.forms import PortalForm
from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionForm(PortalForm):
    class Meta:
        model = Institution
        fields = (
            "name_zh",
            "name_en",
            "short_name",
            "kind",
            "country",
            "city",
            "website",
            "status",
            "since",
            "notes",
            "version",
        )


class ContactForm(PortalForm):
    class Meta:
        model = Contact
        fields = (
            "institution",
            "name",
            "title",
            "email",
            "phone",
            "wechat",
            "is_primary",
            "version",
        )


class AgreementForm(PortalForm):
    class Meta:
        model = Agreement
        fields = (
            "institution",
            "title",
            "kind",
            "status",
            "signed_on",
            "valid_from",
            "valid_until",
            "renewal",
            "quota_per_year",
            "approval_reference",
            "signed_file",
            "notes",
            "version",
        )


class InteractionForm(PortalForm):
    class Meta:
        model = Interaction
        fields = ("institution", "date", "kind", "summary", "participants", "version")
