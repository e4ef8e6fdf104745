from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from carejourney.api.endpoints import api
from carejourney.clinic import views

# Django's admin asks for the second factor too.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accounts/", include("carejourney.accounts.urls")),
    path("portal/", include("carejourney.portal.urls")),
    path("console/", include("carejourney.console.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
