from django.apps import AppConfig


class MeldingenConfig(AppConfig):
    name = "samen.meldingen"
    label = "meldingen"
    verbose_name = "Meldingen"

    def ready(self) -> None:
        from samen.audit.models import AuditRegel
        from samen.audit.services import recorded
        from samen.meldingen.receivers import on_recorded

        recorded.connect(on_recorded, sender=AuditRegel, dispatch_uid="meldingen.on_recorded")
