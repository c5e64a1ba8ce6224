from django.urls import path

from recommendations.views import workspace as views

app_name = "responses"

urlpatterns = [
    path("", views.response_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/draft/", views.save_draft, name="save_draft"),
    path("<int:pk>/joint/", views.publish_joint, name="publish_joint"),
    path("<int:pk>/actions/add/", views.add_action, name="add_action"),
    path(
        "<int:pk>/actions/<int:action_pk>/", views.update_action, name="update_action"
    ),
    path("<int:pk>/updates/add/", views.post_update, name="post_update"),
    path(
        "<int:pk>/implementation/",
        views.report_implementation,
        name="report_implementation",
    ),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path("<int:pk>/extension/", views.request_extension, name="request_extension"),
    path(
        "<int:pk>/extension/<int:request_pk>/grant/",
        views.grant_extension,
        name="grant_extension",
    ),
    path(
        "<int:pk>/extension/<int:request_pk>/refuse/",
        views.refuse_extension,
        name="refuse_extension",
    ),
    path("<int:pk>/do/<slug:action>/", views.transition, name="transition"),
]
