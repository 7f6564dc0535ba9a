from django.urls import path

from .views import docs as views_docs
from .views import feedback as views_feedback
from .views import grid as views_grid
from .views import network as views_network
from .views import plenum as views
from .views import privacy as views_privacy

app_name = "voting"

urlpatterns = [
    path("account/delete/", views_privacy.delete_account, name="delete-account"),
    path("<slug:camp_slug>/sessions/", views.session_list, name="session-list"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/", views.session_detail, name="session-detail"
    ),
    path("<slug:camp_slug>/sessions/<int:session_id>/vote/", views.vote, name="vote"),
    path("<slug:camp_slug>/sessions/<int:session_id>/merge/", views.merge, name="merge"),
    path("<slug:camp_slug>/sessions/<int:session_id>/notes/", views_docs.notes, name="notes"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/notes/<int:number>/",
        views_docs.revision,
        name="notes-revision",
    ),
    path("<slug:camp_slug>/sessions/<int:session_id>/links/", views_docs.add_link, name="add-link"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/links/<int:link_id>/remove/",
        views_docs.remove_link,
        name="remove-link",
    ),
    path("<slug:camp_slug>/documentation/", views_docs.documentation_page, name="documentation"),
    path(
        "<slug:camp_slug>/documentation/print/",
        views_docs.documentation_print,
        name="documentation-print",
    ),
    path(
        "<slug:camp_slug>/documentation.md",
        views_docs.documentation_markdown,
        name="documentation-markdown",
    ),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/feedback/",
        views_feedback.session_feedback,
        name="session-feedback",
    ),
    path("<slug:camp_slug>/feedback/", views_feedback.camp_feedback, name="camp-feedback"),
    path(
        "<slug:camp_slug>/feedback/results/",
        views_feedback.feedback_results,
        name="feedback-results",
    ),
    path(
        "<slug:camp_slug>/feedback/sessions.csv",
        views_feedback.feedback_sessions_csv,
        name="feedback-sessions-csv",
    ),
    path(
        "<slug:camp_slug>/feedback/camp.csv",
        views_feedback.feedback_camp_csv,
        name="feedback-camp-csv",
    ),
    path("<slug:camp_slug>/vote/", views.quick_vote, name="quick-vote"),
    path("<slug:camp_slug>/people/interests/", views_network.interests, name="interests"),
    path("<slug:camp_slug>/pitch/", views.pitch, name="pitch"),
    path("<slug:camp_slug>/pitch/manage/", views.manage_pitch, name="manage-pitch"),
    path("<slug:camp_slug>/projector/", views.projector, name="projector"),
    path("<slug:camp_slug>/projector/wall/", views.projector_wall, name="projector-wall"),
    path("<slug:camp_slug>/qr.svg", views.qr_code, name="qr"),
    path("<slug:camp_slug>/board/", views_grid.board, name="board"),
    path("<slug:camp_slug>/plan/", views_grid.plan, name="plan"),
    path("<slug:camp_slug>/plan.ics", views_grid.plan_ics, name="plan-ics"),
    path("<slug:camp_slug>/agenda/<str:token>.ics", views_grid.agenda_ics, name="agenda-ics"),
    path("<slug:camp_slug>/rooms/<int:room_id>/sign/", views_grid.room_sign, name="room-sign"),
    path("<slug:camp_slug>/schedule.json", views_grid.schedule_json, name="schedule-json"),
    path("<slug:camp_slug>/schedule.xml", views_grid.schedule_xml, name="schedule-xml"),
]
