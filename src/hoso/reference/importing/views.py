"""The IT page of the import, in the admin: upload a file, read the dry run's table, confirm.

Served by the admin of each imported model (``/admin/reference/unit/import/``, ``…/commune/import/``,
``…/officer/import/``; :class:`hoso.reference.admin.ImportFromFile`), with that model's add and change
permissions — and, for officers, those of users. The file is kept in the database between the dry run
and the confirmation (:mod:`.uploads`), so any server of a cluster can confirm it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoso.reference.importing import kinds
from hoso.reference.importing.officers import FIRST_LOG_IN, FIRST_LOG_IN_EN
from hoso.reference.importing.uploads import confirm, stage
from hoso.reference.models import ImportUpload

MAX_FILE_BYTES = 50 * 1024 * 1024
SHOWN_PROBLEMS = 2000
SHOWN_CHANGES = 200

MODEL_OF_KIND = {"units": "unit", "communes": "commune", "officers": "officer"}
_EXTRA_PERMISSIONS = {"officers": ["auth.add_user", "auth.change_user"]}


def permissions(kind_name: str) -> list[str]:
    model = MODEL_OF_KIND[kind_name]
    return [f"reference.add_{model}", f"reference.change_{model}", *_EXTRA_PERMISSIONS.get(kind_name, [])]


def import_page(model_admin, request, kind_name: str):
    if not request.user.has_perms(permissions(kind_name)):
        raise PermissionDenied
    kind = kinds()[kind_name]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import from a file"),
        "kind": kind,
        "columns": [_column_row(column) for column in kind.columns],
        "tabs": [
            (name, MODEL_OF_KIND[name]) for name in MODEL_OF_KIND if request.user.has_perms(permissions(name))
        ],
        "recent": ImportUpload.objects.filter(kind=kind.name).select_related("uploaded_by")[:10],
        "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
    }
    if request.method == "POST" and "upload" in request.POST:
        context.update(_confirm(request, kind))
    elif request.method == "POST":
        context.update(_dry_run(request, kind))
    return render(request, "admin/reference/import.html", context)


def _dry_run(request, kind) -> dict:
    given = request.FILES.get("file")
    if given is None:
        return {"error": _("Choose a file (.csv or .xlsx) first.")}
    if given.size > MAX_FILE_BYTES:
        return {"error": _("The file is larger than %(mb)s MB: split it into several files.")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)}}  # fmt: skip
    upload, report = stage(kind, given.name, given.read(), request.user)
    return _report_context(report, upload)


def _confirm(request, kind) -> dict:
    upload = ImportUpload.objects.filter(
        pk=request.POST.get("upload") if str(request.POST.get("upload")).isdigit() else None,
        kind=kind.name,
        uploaded_by=request.user,
        applied_at__isnull=True,
    ).first()
    if upload is None:
        raise Http404
    report = confirm(upload, kind)
    return {**_report_context(report, upload), "confirmed": True}


def _report_context(report, upload) -> dict:
    language = get_language() or "vi"
    labels = {c.field: _label(c) for c in report.kind.columns}
    return {
        "report": report,
        "upload": upload,
        "problems": [
            {
                "line": p.line,
                "column": p.column,
                "value": p.value,
                "problem": p.problem(language),
                "action": p.action(language),
            }
            for p in report.problems[:SHOWN_PROBLEMS]
        ],  # fmt: skip
        "more_problems": max(0, len(report.problems) - SHOWN_PROBLEMS),
        "changes": [
            {
                "line": c.line,
                "key": c.key,
                "action": c.action,
                "fields": ", ".join(labels[f] for f in c.fields),
            }
            for c in report.changes
            if c.action != "unchanged"
        ][:SHOWN_CHANGES],
        "password_how": _password_how(report, language),
    }


def _password_how(report, language: str) -> str:
    if report.kind.name != "officers" or not report.created:
        return ""

    return FIRST_LOG_IN_EN if language.startswith("en") else FIRST_LOG_IN


def _label(column) -> str:
    return column.label_en if (get_language() or "vi").startswith("en") else column.label_vi


def _column_row(column) -> dict:
    return {"label": _label(column), "headers": ", ".join(column.headers), "required": column.required}
