"""The one view every workflow step goes through, the inbox, and what detail pages show."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from foreign_affairs.models import InboxItem, StateChange
from foreign_affairs.workflow import transition_run, workflow_of, workflows


class ObjectActionView(View):
    """POST `/<app>/<model>/<pk>/<transition>/`: take one workflow step.

    The step's permission is checked first (403), then the method (405 for anything but
    POST). The step's form (comment and what the step records) is validated; a refusal —
    invalid input, a guard, a stale state — comes back as a message on the record's page
    and changes nothing.
    """

    http_method_names = ["post"]
    queryset = None
    transition = ""
    lookup = "pk"

    def dispatch(self, request, *args, **kwargs):
        workflow = workflow_of(self.queryset.model)
        if not request.user.has_perm(workflow.permission(self.transition)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, **kwargs):
        obj = get_object_or_404(self.queryset, **{self.lookup: kwargs[self.lookup]})
        workflow = workflow_of(obj)
        transition = workflow.get(obj, self.transition)
        if not workflow.may(request.user, obj, transition):
            raise PermissionDenied
        form = transition.form_class(
            request.POST,
            request.FILES,
            comment_required=transition.comment_required,
            prefix=transition.name,
        )
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}：{error}" if label else error)
            return redirect(obj.get_absolute_url())
        try:
            transition_run(obj=obj, name=self.transition, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            messages.error(
                request,
                _("“%(step)s” was refused: %(reasons)s")
                % {"step": transition.label, "reasons": "；".join(error.messages)},
            )
        else:
            messages.success(
                request,
                _("“%(obj)s”: %(step)s — now %(state)s.")
                % {"obj": obj, "step": transition.label, "state": obj.get_status_display()},
            )
        return redirect(obj.get_absolute_url())


def workflow_urls(model, *, prefix: str = "", lookup: str = "pk", queryset=None) -> list:
    """Return one POST URL per transition of `model`'s workflow.

    Paths `<prefix><lookup>/<transition>/`, names `<model>_<transition>` in the app's namespace.
    """
    workflow = workflows[model]
    name = model._meta.model_name
    queryset = queryset if queryset is not None else model._default_manager.all()
    return [
        path(
            f"{prefix}<int:{lookup}>/{transition}/",
            ObjectActionView.as_view(queryset=queryset, transition=transition, lookup=lookup),
            name=f"{name}_{transition}",
        )
        for transition in workflow.by_name
    ]


def workflow_context(obj, user, *, lookup=None) -> dict:
    """Return what a detail page shows of a record's workflow.

    `actions`: the steps the user may take now, each with its form and URL; `steps`: the
    state changes so far; `waiting`: the open inbox items (who must act next).
    """
    workflow = workflow_of(obj)
    if workflow is None:
        return {}
    opts = obj._meta
    lookup = obj.pk if lookup is None else lookup
    actions = []
    for transition in workflow.actions_for(obj, user):
        form = transition.form_class(
            initial=workflow.initial(obj) if workflow.initial else None,
            comment_required=transition.comment_required,
            prefix=transition.name,
        )
        actions.append(
            {
                "transition": transition,
                "form": form,
                "fields": [field for field in form if field.name != "comment"],
                "url": reverse(
                    f"{opts.app_label}:{opts.model_name}_{transition.name}", args=[lookup]
                ),
            }
        )
    changes = StateChange.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=obj.pk,
    ).select_related("user")
    changes = list(changes)
    states = dict(opts.get_field(workflow.field).choices)
    for change in changes:
        step = workflow.by_name.get(change.transition)
        label = step.label if step else change.transition
        change.step_label = f"{label} → {states.get(change.target, change.target)}"
    waiting = InboxItem.objects.for_object(obj).open().select_related("recipient")
    return {
        "has_workflow": True,
        "actions": actions,
        "state_changes": changes,
        "waiting": list(waiting),
    }


class InboxView(ListView):
    """The signed-in user's open items: records waiting for them, newest first."""

    template_name = "inbox.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        items = InboxItem.objects.filter(recipient=self.request.user).select_related("actor")
        if self.request.GET.get("done") == "1":
            return items.filter(closed_at__isnull=False).order_by("-closed_at")
        return items.open()

    def get_context_data(self, **kwargs):
        return super().get_context_data(show_done=self.request.GET.get("done") == "1", **kwargs)


class InboxItemDoneView(View):
    """POST: the user marks one of their own open items done (a notice needs no step)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(InboxItem.objects.open(), pk=pk, recipient=request.user)
        InboxItem.objects.filter(pk=item.pk).close()
        messages.success(request, _("Marked “%(task)s” done.") % {"task": item.task})
        return redirect("inbox")
