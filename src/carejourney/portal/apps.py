from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "carejourney.portal"
    label = "portal"
