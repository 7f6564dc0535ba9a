from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("<slug:camp_slug>/sessions/", views.session_list, name="session-list"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/", views.session_detail, name="session-detail"
    ),
    path("<slug:camp_slug>/sessions/<int:session_id>/vote/", views.vote, name="vote"),
    path("<slug:camp_slug>/sessions/<int:session_id>/merge/", views.merge, name="merge"),
    path("<slug:camp_slug>/vote/", views.quick_vote, name="quick-vote"),
    path("<slug:camp_slug>/pitch/", views.pitch, name="pitch"),
    path("<slug:camp_slug>/pitch/manage/", views.manage_pitch, name="manage-pitch"),
    path("<slug:camp_slug>/projector/", views.projector, name="projector"),
    path("<slug:camp_slug>/qr.svg", views.qr_code, name="qr"),
]
