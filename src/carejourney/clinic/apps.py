from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "carejourney.clinic"
    label = "clinic"
    verbose_name = "Clinic"
