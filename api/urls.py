from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import public, resources, transitions
from api.account import MeView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/public/", include(public.urlpatterns)),
    path("v1/", include(resources.urlpatterns)),
    path("v1/", include(transitions.urlpatterns)),
]
