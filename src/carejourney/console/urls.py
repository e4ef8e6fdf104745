from django.urls import path

from carejourney.console import views

app_name = "console"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("patients/", views.patient_list, name="patients"),
    path("patients/new/", views.enrol, name="enrol"),
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/record/", views.record_event, name="record"),
    path("patients/<int:patient_id>/invite/", views.invite, name="invite"),
    path("patients/<int:patient_id>/messages/<int:seq>/acknowledge/", views.message_action, {"action": "acknowledge"},
         name="message-acknowledge"),
    path("patients/<int:patient_id>/messages/<int:seq>/reply/", views.message_action, {"action": "reply"},
         name="message-reply"),
    path("outcomes/", views.outcomes_report, name="outcomes"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes-csv"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.csv", views.audit_csv, name="audit-csv"),
]
