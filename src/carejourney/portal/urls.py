from django.urls import path

from carejourney.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("checklist/", views.checklist, name="checklist"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<slug:visit>.ics", views.appointment_calendar, name="appointment-ics"),
    path("learn/", views.learn, name="learn"),
    path("learn/<slug:section>/", views.learn_section, name="learn-section"),
    path("faq/", views.faq, name="faq"),
    path("video/", views.video, name="video"),
    path("plan/", views.plan, name="plan"),
    path("messages/", views.messages_page, name="messages"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<slug:timepoint>/<slug:instrument>/", views.questionnaire_start, name="questionnaire"),
    path("questionnaires/<slug:timepoint>/<slug:instrument>/<int:screen>/", views.questionnaire_screen,
         name="questionnaire-screen"),
    path("questionnaires/<slug:timepoint>/<slug:instrument>/review/", views.questionnaire_review,
         name="questionnaire-review"),
    path("progress/", views.progress, name="progress"),
]
