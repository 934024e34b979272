"""Views of the shared layer: the generic object views, home/dashboard and search."""
