"""URLs of the I-VAN API, included at ``api/v1/`` by hoso.urls."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

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


def _read_only(view):
    """Pages and files of the API that are only read: GET and HEAD; any other method is a JSON 405."""
    return _json_405(require_safe(view))


_ninja_patterns, _app, _namespace = views.api.urls
for _pattern in _ninja_patterns:
    if not isinstance(_pattern, URLPattern):
        continue
    if _pattern.name == "api-root":
        # django-ninja names the API's root (it reverses it to build the paths of the OpenAPI document)
        # and answers it with Django's HTML 404; nothing is served there: the API's JSON 404.
        _pattern.callback = views.unknown_path
    elif _pattern.name == "openapi-json":
        _pattern.callback = _read_only(_pattern.callback)
    else:
        _pattern.callback = _json_405(_pattern.callback)

_docs_asset = _read_only(views.docs_asset)


def _docs_file(request, name: str):
    """A file of the docs page. Any other name is a path the API does not have: 404 whatever the method
    (the method is looked at only for the files that exist)."""
    if name != "init.js" and name not in views.DOCS_ASSETS:
        return views.unknown_path(request, f"docs/{name}")
    return _docs_asset(request, name=name)


urlpatterns = [
    path("docs", _read_only(views.docs_page), name="api-docs"),
    path("docs/<str:name>", _docs_file, name="api-docs-asset"),
    path("", (_ninja_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", views.unknown_path),
]
# The API authenticates by key, never by cookie (an officer's session opens nothing here), so Django's
# CSRF check has nothing to protect: without this, a POST to a docs page or an unknown path would get
# Django's HTML 403 instead of the API's JSON 405 / 404. (django-ninja exempts its own operations.)
for _pattern in [
    *urlpatterns[:2],
    urlpatterns[3],
    *(p for p in _ninja_patterns if isinstance(p, URLPattern)),
]:
    _pattern.callback = csrf_exempt(_pattern.callback)
