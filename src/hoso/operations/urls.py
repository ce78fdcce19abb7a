"""Liveness and readiness probes (hoso.operations.health), included at the root by hoso.urls."""

from django.urls import path

from hoso.operations import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
