from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "knotwork.web"
    label = "web"
    verbose_name = "Knotwork"

    def ready(self) -> None:
        # Load and validate the atlas at start-up, so a broken atlas file stops the server
        # with a clear message instead of failing on the first request.
        from knotwork.atlas.load import load_atlas

        load_atlas()
