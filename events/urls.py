from django.urls import path

from . import views, views_door, views_wall, views_webapp

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/notifications/", views.notification_settings, name="notifications"),
    path("account/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:camp_slug>/", views.camp_detail, name="camp"),
    path("<slug:camp_slug>/manifest.webmanifest", views_webapp.camp_manifest, name="camp-manifest"),
    path("<slug:camp_slug>/register/", views.register, name="register"),
    path("<slug:camp_slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:camp_slug>/profile/", views.profile, name="profile"),
    path("<slug:camp_slug>/people/", views.people, name="people"),
    path("<slug:camp_slug>/ticket/", views_door.ticket, name="ticket"),
    path("<slug:camp_slug>/door/", views_door.door_page, name="door"),
    path("<slug:camp_slug>/door/badges.pdf", views_door.badges_pdf, name="badges"),
    path("<slug:camp_slug>/door/<str:code>/", views_door.door_ticket, name="door-ticket"),
    path("<slug:camp_slug>/wall/", views_wall.wall_page, name="wall"),
    path("<slug:camp_slug>/wall/manage/", views_wall.wall_manage, name="wall-manage"),
    path("<slug:camp_slug>/wall/<int:post_id>/", views_wall.wall_post, name="wall-post"),
]
