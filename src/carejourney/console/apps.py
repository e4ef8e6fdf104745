from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "carejourney.console"
    label = "console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from carejourney.clinic import records
        from carejourney.console.inbox import project_messages

        if project_messages not in records.PROJECTION_HOOKS:
            records.PROJECTION_HOOKS.append(project_messages)
