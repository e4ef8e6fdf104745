"""Who looked at or changed which patient's record, when and from where. Append-only."""

from django.db import models


class AuditEntry(models.Model):
    """Ids and names are copied in (not foreign keys) so an entry never changes after it is written."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.IntegerField(null=True)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20)
    patient_id = models.IntegerField(db_index=True)
    clinic_id = models.IntegerField()
    #: e.g. view:patient, record:procedure-performed, api:get-patient, export:ics
    action = models.CharField(max_length=80)
    path = models.CharField(max_length=300)
    client_address = models.GenericIPAddressField(null=True)

    class Meta:
        indexes = [models.Index(fields=["clinic_id", "at"])]
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are append-only")
