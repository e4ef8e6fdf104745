from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from carejourney.clinic.models import Clinic, JourneyProjection


def home(request: HttpRequest) -> HttpResponse:
    """A landing page with counts only: no patient data without signing in."""
    context = {
        "clinics": Clinic.objects.count(),
        "journeys": JourneyProjection.objects.count(),
        "active": JourneyProjection.objects.filter(status="active").count(),
    }
    return render(request, "home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def ping(request: HttpRequest) -> HttpResponse:
    """A no-op: liveness for load balancers, and the baseline the web benchmark compares pages with."""
    return HttpResponse("ok", content_type="text/plain")
