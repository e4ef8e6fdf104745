from django.contrib import admin

from carejourney.clinic.models import Clinic, Journey, JourneyEvent, Patient, PathwayVersion, StaffMember


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "timezone", "phone")


@admin.register(StaffMember)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    filter_horizontal = ("clinics",)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("id", "full_name", "clinic")
    list_filter = ("clinic",)
    search_fields = ("full_name",)


class EventInline(admin.TabularInline):
    model = JourneyEvent
    fields = ("seq", "type", "at", "actor_role", "actor_label", "data")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "pathway", "started_at")
    readonly_fields = ("patient", "pathway", "started_at")
    inlines = [EventInline]


@admin.register(PathwayVersion)
class PathwayVersionAdmin(admin.ModelAdmin):
    list_display = ("pathway_id", "version", "loaded_at")
    readonly_fields = ("pathway_id", "version", "content", "sha256", "loaded_at")
