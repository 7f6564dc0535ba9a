from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/notifications/", views.notification_settings, name="notifications"),
    path("account/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:camp_slug>/", views.camp_detail, name="camp"),
    path("<slug:camp_slug>/register/", views.register, name="register"),
    path("<slug:camp_slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:camp_slug>/profile/", views.profile, name="profile"),
    path("<slug:camp_slug>/people/", views.people, name="people"),
]
