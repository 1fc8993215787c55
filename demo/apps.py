from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for trying the product: the one place that may depend on every app."""

    name = "demo"
    verbose_name = "Demo"
