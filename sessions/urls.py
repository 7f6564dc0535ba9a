from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("series/<slug:series_slug>/wishes/", views.wishes, name="wishes"),
    path("series/<slug:series_slug>/wishes/<int:wish_id>/vote/", views.wish_vote, name="wish-vote"),
    path("series/<slug:series_slug>/wishes/<int:wish_id>/hide/", views.wish_hide, name="wish-hide"),
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
