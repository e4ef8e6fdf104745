from django.db import models


class PendingMessage(models.Model):
    """Derived (rebuilt with the journey's other rows): a patient message nobody has replied to yet."""

    journey = models.ForeignKey("clinic.Journey", on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    urgent = models.BooleanField(default=False)
    red_flag = models.CharField(max_length=64, blank=True)
    acknowledged = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["clinic", "urgent", "received_at"])]
        constraints = [models.UniqueConstraint(fields=["journey", "seq"], name="pending_message_unique")]
