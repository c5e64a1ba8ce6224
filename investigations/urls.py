from django.urls import path

from investigations import views

app_name = "investigations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/tasks/", views.tasks, name="tasks"),
    path("<int:pk>/progress-reports/", views.progress, name="progress"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/stage/<slug:action>/", views.transition, name="transition"),
    path("lead/<int:complaint_pk>/", views.appoint_lead, name="appoint_lead"),
    path("<int:pk>/team/add/", views.add_member, name="add_member"),
    path(
        "<int:pk>/team/<int:member_pk>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "<int:pk>/terms-of-reference/",
        views.terms_of_reference,
        name="terms_of_reference",
    ),
    path("<int:pk>/themes/add/", views.add_theme, name="add_theme"),
    path("<int:pk>/evidence/add/", views.add_evidence_item, name="add_evidence_item"),
    path(
        "<int:pk>/evidence/<int:item_pk>/status/",
        views.evidence_status,
        name="evidence_status",
    ),
    path("<int:pk>/evidence/<int:item_pk>/attach/", views.attach, name="attach"),
    path(
        "<int:pk>/evidence/<int:item_pk>/files/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/tasks/add/", views.add_task, name="add_task"),
    path(
        "<int:pk>/tasks/<int:task_pk>/done/", views.complete_task, name="complete_task"
    ),
    path(
        "<int:pk>/progress-reports/send/",
        views.send_progress_report,
        name="send_progress_report",
    ),
    path("<int:pk>/draft/save/", views.save_report, name="save_report"),
    path(
        "<int:pk>/recommendations/add/",
        views.add_recommendation,
        name="add_recommendation",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/remove/",
        views.remove_recommendation,
        name="remove_recommendation",
    ),
    path("<int:pk>/report-actions/add/", views.add_action, name="add_action"),
    path(
        "<int:pk>/report-actions/<int:action_pk>/remove/",
        views.remove_action,
        name="remove_action",
    ),
    path("<int:pk>/redactions/add/", views.add_redaction, name="add_redaction"),
    path(
        "<int:pk>/redactions/<int:redaction_pk>/remove/",
        views.remove_redaction,
        name="remove_redaction",
    ),
    path("<int:pk>/fact-check/add/", views.add_fact_check, name="add_fact_check"),
    path(
        "<int:pk>/fact-check/<int:request_pk>/comments/",
        views.fact_check_comment,
        name="fact_check_comment",
    ),
    path("<int:pk>/sign-off/approve/", views.approve, name="approve"),
]

public_urlpatterns = [
    path("", views.public_list, name="list"),
    path("<str:reference>/", views.public_report, name="report"),
    path("<str:reference>/report.pdf", views.public_report_pdf, name="report_pdf"),
]
