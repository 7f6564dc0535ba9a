from django.urls import path

from .views import docs, feedback, grid, network, plenum, privacy, votes

app_name = "voting"

urlpatterns = [
    path("account/delete/", privacy.delete_account, name="delete-account"),
    path("<slug:camp_slug>/sessions/", votes.session_list, name="session-list"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/", votes.session_detail, name="session-detail"
    ),
    path("<slug:camp_slug>/sessions/<int:session_id>/vote/", votes.vote, name="vote"),
    path("<slug:camp_slug>/sessions/<int:session_id>/merge/", votes.merge, name="merge"),
    path("<slug:camp_slug>/sessions/<int:session_id>/notes/", docs.notes, name="notes"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/notes/<int:number>/",
        docs.revision,
        name="notes-revision",
    ),
    path("<slug:camp_slug>/sessions/<int:session_id>/links/", docs.add_link, name="add-link"),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/links/<int:link_id>/remove/",
        docs.remove_link,
        name="remove-link",
    ),
    path("<slug:camp_slug>/documentation/", docs.documentation_page, name="documentation"),
    path(
        "<slug:camp_slug>/documentation/print/",
        docs.documentation_print,
        name="documentation-print",
    ),
    path(
        "<slug:camp_slug>/documentation.md",
        docs.documentation_markdown,
        name="documentation-markdown",
    ),
    path(
        "<slug:camp_slug>/sessions/<int:session_id>/feedback/",
        feedback.session_feedback,
        name="session-feedback",
    ),
    path("<slug:camp_slug>/feedback/", feedback.camp_feedback, name="camp-feedback"),
    path(
        "<slug:camp_slug>/feedback/results/",
        feedback.feedback_results,
        name="feedback-results",
    ),
    path(
        "<slug:camp_slug>/feedback/sessions.csv",
        feedback.feedback_sessions_csv,
        name="feedback-sessions-csv",
    ),
    path(
        "<slug:camp_slug>/feedback/camp.csv",
        feedback.feedback_camp_csv,
        name="feedback-camp-csv",
    ),
    path("<slug:camp_slug>/vote/", votes.quick_vote, name="quick-vote"),
    path("<slug:camp_slug>/people/interests/", network.interests, name="interests"),
    path("<slug:camp_slug>/pitch/", plenum.pitch, name="pitch"),
    path("<slug:camp_slug>/pitch/manage/", plenum.manage_pitch, name="manage-pitch"),
    path("<slug:camp_slug>/projector/", plenum.projector, name="projector"),
    path("<slug:camp_slug>/projector/wall/", plenum.projector_wall, name="projector-wall"),
    path("<slug:camp_slug>/qr.svg", plenum.qr_code, name="qr"),
    path("<slug:camp_slug>/board/", grid.board, name="board"),
    path("<slug:camp_slug>/plan/", grid.plan, name="plan"),
    path("<slug:camp_slug>/plan.ics", grid.plan_ics, name="plan-ics"),
    path("<slug:camp_slug>/agenda/<str:token>.ics", grid.agenda_ics, name="agenda-ics"),
    path("<slug:camp_slug>/rooms/<int:room_id>/sign/", grid.room_sign, name="room-sign"),
    path("<slug:camp_slug>/schedule.json", grid.schedule_json, name="schedule-json"),
    path("<slug:camp_slug>/schedule.xml", grid.schedule_xml, name="schedule-xml"),
]
