"""Django's admin (second factor required) for clinics, staff and pathway versions.

Patient records are not here: they live in the care-team console, scoped to each staff member's clinics and
audited on every view.
"""

from django.contrib import admin

from carejourney.clinic.models import Clinic, PathwayVersion, StaffMember


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "timezone", "phone")


@admin.register(StaffMember)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    filter_horizontal = ("clinics",)


@admin.register(PathwayVersion)
class PathwayVersionAdmin(admin.ModelAdmin):
    list_display = ("pathway_id", "version", "loaded_at")
    readonly_fields = ("pathway_id", "version", "content", "sha256", "loaded_at")
