from django.contrib.auth.views import LogoutView
from django.urls import path

from carejourney.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignIn.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("verify/", views.verify, name="verify"),
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
]
