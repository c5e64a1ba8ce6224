from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("start/", views.complaint_start, name="start"),
    path("intake/", views.intake_queue, name="intake"),
    path("all/", views.all_complaints, name="all"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/check/", views.complaint_check, name="check"),
    path("<int:pk>/confirmation/", views.complaint_confirmation, name="confirmation"),
    path("<int:pk>/acknowledgement.pdf", views.acknowledgement_letter, name="letter"),
    path("<int:pk>/views/", views.record_view, name="record_view"),
    path("<int:pk>/repeat/", views.link_repeat, name="link_repeat"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"
    ),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "<int:pk>/actions/<slug:action>/", views.complaint_transition, name="transition"
    ),
]
