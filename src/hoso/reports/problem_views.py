"""Pages of the problem reports: the IT queue (or one's own reports), a new report, one report with its
history, replies, assignment and status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoso.reports import problems as service
from hoso.reports.access import roles, scope
from hoso.reports.models import Problem


def _source(user) -> str:
    names = roles(user)
    if "desk_officer" in names:
        return Problem.Source.DESK
    if "department_officer" in names:
        return Problem.Source.DEPARTMENT
    return Problem.Source.OTHER


def _may_see(user, problem: Problem) -> bool:
    allowed = scope(user)
    if allowed.it or allowed.office is None and allowed.reports:
        return True
    if problem.reporter_id == user.pk:
        return True
    return allowed.reports and problem.office_id == allowed.office


def _message(error) -> str:
    return error.message((get_language() or "vi")[:2]) if hasattr(error, "message") else str(error)


@login_required
def problem_list(request):
    allowed = scope(request.user)
    status = request.GET.get("status", "unresolved")
    category = request.GET.get("category") or None
    if status == "unresolved":
        items = service.queue(category=category)
    else:
        items = Problem.objects.select_related("office", "ivan", "assignee", "dossier").order_by(
            "-created_at"
        )
        if status in Problem.Status.values:
            items = items.filter(status=status)
        if category:
            items = items.filter(category=category)
    if not (allowed.it or (allowed.reports and allowed.office is None)):
        mine = items.filter(reporter=request.user)
        items = (mine | items.filter(office_id=allowed.office)) if allowed.reports else mine
    context = {
        "scope": allowed,
        "items": items[:500],
        "status": status,
        "category": category or "",
        "statuses": Problem.Status.choices,
        "categories": Problem.Category.choices,
    }
    return render(request, "reports/problems.html", context)


@login_required
def problem_new(request):
    allowed = scope(request.user)
    page = request.GET.get("trang", "").strip()[:300]  # the page the officer came from (a refusal, an error)
    form = {
        "category": request.GET.get("category", "")
        if request.GET.get("category") in Problem.Category.values
        else "",
        "title": "",
        "description": _("Page: %(page)s") % {"page": page} + "\n" if page.startswith("/") else "",
        "dossier_number": request.GET.get("dossier", "").strip()[:40],
        "submission_id": request.GET.get("submission", "").strip()[:40],
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            problem = service.report_problem(
                category=form["category"], title=form["title"], description=form["description"],
                source=_source(request.user), reporter=request.user,
                dossier_number=form["dossier_number"] or None, submission_id=form["submission_id"] or None,
            )  # fmt: skip
        except service.ProblemError as error:
            messages.error(request, _message(error))
        else:
            messages.success(
                request,
                _("Your problem report no. %(id)d was sent to the IT department.") % {"id": problem.pk},
            )
            return redirect("reports:problem", pk=problem.pk)
    return render(
        request,
        "reports/problem_new.html",
        {"scope": allowed, "form": form, "categories": Problem.Category.choices},
    )


def _with_status_labels(events) -> list:
    """The history with each status change in words ("Đã trả lời"), not its stored value."""
    events = list(events)
    labels = dict(Problem.Status.choices)
    for event in events:
        event.to_status_label = labels.get(event.to_status, event.to_status) if event.to_status else ""
    return events


@login_required
def problem_detail(request, pk: int):
    problem = get_object_or_404(
        Problem.objects.select_related("office", "ivan", "assignee", "dossier", "submission"), pk=pk
    )
    if not _may_see(request.user, problem):
        raise PermissionDenied
    allowed = scope(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply":
                status = request.POST.get("status") or None
                if status and not allowed.it:
                    raise PermissionDenied
                service.reply(problem, text=request.POST.get("text", ""), actor=request.user, status=status)
            elif action == "assign" and allowed.it:
                user = get_user_model().objects.filter(pk=request.POST.get("assignee") or 0).first()
                service.assign(problem, user or request.user, actor=request.user)
            elif action == "status" and allowed.it:
                service.set_status(problem, request.POST.get("status", ""), actor=request.user)
            else:
                raise PermissionDenied
        except service.ProblemError as error:
            messages.error(request, _message(error))
        return redirect("reports:problem", pk=problem.pk)
    it_staff = (
        get_user_model().objects.filter(groups__name="it_admin").order_by("username") if allowed.it else []
    )
    context = {
        "scope": allowed,
        "problem": problem,
        "events": _with_status_labels(problem.events.select_related("actor")),
        "statuses": Problem.Status.choices,
        "it_staff": it_staff,
    }
    return render(request, "reports/problem.html", context)
