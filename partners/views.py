import django_tables2
from django.utils.translation import gettext_lazy as _

from foreign_affairs.imports import ObjectImportView
from foreign_affairs.regions import region_sources
from foreign_affairs.tables import ObjectTable, may_view
from foreign_affairs.templatetags.portal import dormant_warning
from foreign_affairs.views import generic
from partners import filters, forms, tables
from partners.models import Agreement, Contact, Institution, Interaction
from partners.resources import InstitutionResource
from partners.selectors import institution_timeline, institutions_with_activity


def _related_table(fields):
    """Return a tab table class for rows of another app (reached by reverse relation only)."""

    def build(rows, **kwargs):
        table_class = django_tables2.table_factory(rows.model, table=ObjectTable, fields=fields)
        return table_class(rows, **kwargs)

    return build


class InstitutionListView(generic.ObjectListView):
    queryset = Institution.objects.all()
    filterset_class = filters.InstitutionFilterSet
    table_class = tables.InstitutionTable
    import_url_name = "partners:institution_import"
    template_name = "partners/institution_list.html"
    extra_context = {"region_sources": region_sources}  # called by the template, per request

    def get_queryset(self):
        return institutions_with_activity()  # activity and ties as of today, per request


class InstitutionImportView(ObjectImportView):
    queryset = Institution.objects.all()
    resource_class = InstitutionResource


class InstitutionView(generic.ObjectView):
    queryset = Institution.objects.all()
    template_name = "partners/institution_detail.html"

    def get_queryset(self):
        return institutions_with_activity()

    tabs = [
        generic.Tab(
            "contacts",
            _("Contacts"),
            tables.ContactTable,
            lambda obj: obj.contacts.select_related("institution"),
            "partners:contact_add",
            "institution",
        ),
        generic.Tab(
            "agreements",
            _("Agreements"),
            tables.AgreementTable,
            lambda obj: obj.agreements.with_state().select_related("institution"),
            "partners:agreement_add",
            "institution",
        ),
        generic.Tab(
            "interactions",
            _("Interactions"),
            tables.InteractionTable,
            lambda obj: obj.interactions.select_related("institution"),
            "partners:interaction_add",
            "institution",
        ),
        generic.Tab(
            "projects",
            _("Exchange projects"),
            _related_table(("name", "kind", "status", "start_on", "end_on")),
            lambda obj: obj.projects.all(),
        ),
    ]

    def get_chips(self):
        """The status, then what is derived where it is read: dormant, Belt and Road, GBA."""
        institution = self.object
        chips = super().get_chips()
        if dormant_warning(institution):
            chips.append({"value": "dormant_warning", "label": _("No interaction for 12 months")})
        if institution.is_belt_and_road:
            chips.append({"value": "belt_and_road", "label": _("Belt and Road country")})
        if institution.is_greater_bay_area:
            chips.append({"value": "greater_bay_area", "label": _("Greater Bay Area")})
        return chips

    def get_context_data(self, **kwargs):
        # Events of records the user may not view (another app's) are left out.
        timeline = [
            event
            for event in institution_timeline(self.object)
            if may_view(self.request.user, type(event["obj"]))
        ]
        return super().get_context_data(timeline=timeline, **kwargs)


class InstitutionEditView(generic.ObjectEditView):
    queryset = Institution.objects.all()
    form_class = forms.InstitutionForm


class AgreementListView(generic.ObjectListView):
    queryset = Agreement.objects.select_related("institution")
    filterset_class = filters.AgreementFilterSet
    table_class = tables.AgreementTable

    def get_queryset(self):
        return super().get_queryset().with_state()  # today's state, read per request


class AgreementView(generic.ObjectView):
    queryset = Agreement.objects.select_related("institution")
    template_name = "partners/agreement_detail.html"

    def get_fields(self):
        # The status shown is today's state (ObjectView reads `get_state_display`); the end
        # of validity is the current term's of an auto-renewing agreement.
        rows = super().get_fields()
        for row in rows:
            if row["name"] == "valid_until" and self.object.current_valid_until != row["value"]:
                row["value"] = self.object.current_valid_until
        return rows


class AgreementEditView(generic.ObjectEditView):
    queryset = Agreement.objects.all()
    form_class = forms.AgreementForm


class ContactListView(generic.ObjectListView):
    queryset = Contact.objects.select_related("institution")
    filterset_class = filters.ContactFilterSet
    table_class = tables.ContactTable


class ContactView(generic.ObjectView):
    queryset = Contact.objects.select_related("institution")


class ContactEditView(generic.ObjectEditView):
    queryset = Contact.objects.all()
    form_class = forms.ContactForm


class InteractionListView(generic.ObjectListView):
    queryset = Interaction.objects.select_related("institution")
    filterset_class = filters.InteractionFilterSet
    table_class = tables.InteractionTable


class InteractionView(generic.ObjectView):
    queryset = Interaction.objects.select_related("institution")


class InteractionEditView(generic.ObjectEditView):
    queryset = Interaction.objects.all()
    form_class = forms.InteractionForm
