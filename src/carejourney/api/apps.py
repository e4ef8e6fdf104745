from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carejourney.api"
    label = "api"
