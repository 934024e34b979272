"""The portal's URLs and `/bench/hello/`: a logged-in hello-world view, the floor of what a
request through the portal's middleware (session, user, locale, axes) costs."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse(f"hello, {request.user.get_username()}", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("", include("foreign_affairs.urls")),
]
