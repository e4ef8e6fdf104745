from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "carejourney.notify"
    label = "notify"
    verbose_name = "Reminders and messages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from carejourney.clinic import records
        from carejourney.notify.outbox import projection_hook

        if projection_hook not in records.PROJECTION_HOOKS:
            records.PROJECTION_HOOKS.append(projection_hook)
