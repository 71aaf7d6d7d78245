"""The project's URLs and ``/bench/bare/``: a signed-in page that does nothing, behind the
same middleware as every other page (the baseline of the case list's latency)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from clinic.urls import urlpatterns as project


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project]
