"""URL patterns of a model's pages, named the same way in every app."""

from django.urls import path

from foreign_affairs.views.generic import DeletedListView, ObjectDeleteView, RestoreView


def object_urls(model, *, list_view, detail_view, edit_view, prefix: str = "") -> list:
    """Return the list, add, detail, edit, delete, deleted and restore URLs of `model`.

    Names: `<model>_list`, `<model>_add`, `<model>`, `<model>_edit`, `<model>_delete`,
    `<model>_deleted`, `<model>_restore` inside the app's namespace.
    """
    name = model._meta.model_name
    queryset = model._default_manager.all()
    return [
        path(f"{prefix}", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}add/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}<int:pk>/", detail_view.as_view(), name=name),
        path(f"{prefix}<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        path(
            f"{prefix}<int:pk>/delete/",
            ObjectDeleteView.as_view(queryset=queryset),
            name=f"{name}_delete",
        ),
        path(
            f"{prefix}deleted/", DeletedListView.as_view(queryset=queryset), name=f"{name}_deleted"
        ),
        path(
            f"{prefix}deleted/<int:history_id>/restore/",
            RestoreView.as_view(queryset=queryset),
            name=f"{name}_restore",
        ),
    ]
