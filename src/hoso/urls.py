"""URL map of the gateway."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("hoso.api.urls")),
    path("reports/", include("hoso.reports.urls")),
    path("", include("hoso.operations.urls")),  # /healthz, /readyz, /metrics (hoso.operations)
    path("", include("hoso.desk.urls")),
    path("tai-khoan/", include("hoso.accounts.urls")),  # the officer's password and two-step log-in
]

# Django's own 400 and 500 (a Host header not served, a fault in a middleware) answer the API's JSON error
# shape under /api/ and Django's pages elsewhere.
handler400 = "hoso.api.views.bad_request"
handler500 = "hoso.api.views.server_error"
