from django.contrib import admin

from carejourney.notify.models import ContactPreference, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: rows change only through the planner and the worker."""

    list_display = ("id", "patient_id", "kind", "channel", "status", "send_after", "sent_at", "attempts", "last_error")
    list_filter = ("status", "kind", "channel", "clinic")
    search_fields = ("key", "message_id")
    ordering = ("-send_after",)
    exclude = ("mime",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ("patient_id", "channel", "updated_at")
    list_filter = ("channel",)
