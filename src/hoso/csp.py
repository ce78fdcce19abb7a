"""Content-Security-Policy on every answer of the gateway.

A page (HTML: the desk, the back office, the public look-up, the log-in page, the admin, the API's docs
page) may load scripts, styles, images, fonts and data from the gateway itself only — no inline script,
no inline style, no plug-in, no other site — may post its forms only to the gateway, and may not be
framed. Every script and style sheet of the pages is a file (``hoso/desk/static``, Django's admin, the
Swagger UI files that django-ninja ships, served by ``hoso.api.urls``). The API's docs page alone also
shows ``data:`` images, which Swagger UI's style sheet uses for its icons (:data:`DOCS_PAGE_POLICY`,
set by that view).

Any other answer (JSON, XML receipts, CSV, spreadsheets, scripts, style sheets) is not a page: opened
on its own in a browser it may load and run nothing (``default-src 'none'``, ``sandbox``). PDF files
(the receipt the desk prints) are left without a policy: Chromium shows a PDF through a viewer that the
policy of the PDF itself would block (crbug.com/271452); ``X-Frame-Options: DENY`` still keeps it out
of frames. An answer that already carries a policy (a view that set its own) keeps it.
"""

from __future__ import annotations

HEADER = "Content-Security-Policy"

PAGE_DIRECTIVES = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def page_policy(**more: tuple[str, ...]) -> str:
    """The pages' policy, with ``more`` sources for some directives (``img_src=("data:",)``)."""
    directives = dict(PAGE_DIRECTIVES)
    for name, sources in more.items():
        directive = name.replace("_", "-")
        directives[directive] = (*directives[directive], *sources)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


PAGE_POLICY = page_policy()
DOCS_PAGE_POLICY = page_policy(img_src=("data:",))
NOT_A_PAGE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

PAGE_TYPES = ("text/html", "application/xhtml+xml")
NO_POLICY_TYPES = ("application/pdf",)


def policy_for(content_type: str) -> str | None:
    """The policy of an answer with this Content-Type (None: none)."""
    media = content_type.split(";")[0].strip().lower()
    if media in NO_POLICY_TYPES:
        return None
    return PAGE_POLICY if media in PAGE_TYPES else NOT_A_PAGE_POLICY


class ContentSecurityPolicyMiddleware:
    """Adds the policy of :func:`policy_for` to every answer that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            policy = policy_for(response.get("Content-Type", ""))
            if policy is not None:
                response[HEADER] = policy
        return response
