from django.contrib import admin
from django.urls import path

from carejourney.clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
