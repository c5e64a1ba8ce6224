from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import home
from config.health import healthz
from investigations.urls import public_urlpatterns

admin.site.site_header = "Super-complaints administration"
admin.site.site_title = "Super-complaints"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("complaints/", include("complaints.urls")),
    path("investigations/", include("investigations.urls")),
    path(
        "super-complaints/",
        include((public_urlpatterns, "public"), namespace="public"),
    ),
    path("responses/", include("recommendations.urls_workspace")),
    path("monitoring/", include("recommendations.urls_monitoring")),
    path("tracker/", include("recommendations.urls_tracker")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "api.exceptions.not_found"
handler500 = "config.errors.server_error"
