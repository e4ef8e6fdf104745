from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "carejourney.results"
    label = "results"
    verbose_name = "Outcome results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from carejourney.clinic import records
        from carejourney.results.projection import projection_hook

        if projection_hook not in records.PROJECTION_HOOKS:
            records.PROJECTION_HOOKS.append(projection_hook)
