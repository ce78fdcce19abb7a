"""Liveness and readiness probes (hoso.operations.health) and the Prometheus metrics
(hoso.operations.metrics), included at the root by hoso.urls."""

from django.urls import path

from hoso.operations import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
