from django.apps import AppConfig


class DataVersionConfig(AppConfig):
    name = "dataversion"
    verbose_name = "Data versions"

    def ready(self) -> None:
        from dataversion import watch

        watch.connect()
