"""URLs of the I-VAN API, included at ``api/v1/`` by hoso.urls."""

from django.urls import path, re_path

from hoso.api import views

urlpatterns = [
    path("docs", views.docs_page, name="api-docs"),
    path("docs/<str:name>", views.docs_asset, name="api-docs-asset"),
    path("", views.api.urls),
    re_path(r"^(?P<rest>.*)$", views.unknown_path),
]
