from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("<slug:camp_slug>/sessions/new/", views.new, name="new"),
    path("<slug:camp_slug>/sessions/<int:session_id>/edit/", views.edit, name="edit"),
    path("<slug:camp_slug>/sessions/<int:session_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:camp_slug>/sessions/<int:session_id>/hide/", views.hide, name="hide"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/invitation/",
        views.renew_invitation,
        name="renew-invitation",
    ),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/cohost/<str:token>/",
        views.cohost,
        name="cohost",
    ),
]
