from django.urls import path

from recommendations.views import monitoring

app_name = "monitoring"

urlpatterns = [
    path("", monitoring.dashboard, name="dashboard"),
    path("export.csv", monitoring.export_csv, name="export_csv"),
    path(
        "complaint/<int:investigation_pk>.pdf",
        monitoring.complaint_pdf,
        name="complaint_pdf",
    ),
    path(
        "organisation/<int:org_pk>.pdf",
        monitoring.organisation_pdf,
        name="organisation_pdf",
    ),
]
