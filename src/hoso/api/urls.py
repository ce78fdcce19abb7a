"""URLs of the I-VAN API, included at ``api/v1/`` by hoso.urls."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path

from hoso.api import views
from hoso.errors import CodedError


def _json_405(view):
    """django-ninja answers a wrong method with an empty 405; give it the API's error shape."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            answer = views.error_response(
                request,
                CodedError(
                    "API_METHOD_NOT_ALLOWED",
                    f"Phương thức {request.method} không dùng được ở đây; dùng {allowed}.",
                    f"Method {request.method} is not allowed here; use {allowed}.",
                ),
                405,
            )
            answer["Allow"] = allowed
            return answer
        return response

    return wrapper


_ninja_patterns, _app, _namespace = views.api.urls
for _pattern in _ninja_patterns:
    if isinstance(_pattern, URLPattern):
        _pattern.callback = _json_405(_pattern.callback)

urlpatterns = [
    path("docs", views.docs_page, name="api-docs"),
    path("docs/<str:name>", views.docs_asset, name="api-docs-asset"),
    path("", (_ninja_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", views.unknown_path),
]
