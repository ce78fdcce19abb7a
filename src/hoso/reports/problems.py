"""Problem reports (vướng mắc) to the IT department, as dispatch 2671 asks: from desk officers,
department officers and I-VANs; a category, a description, a linked dossier or submission; IT assigns,
replies and closes; every step is kept in the report's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hoso.errors import CodedError
from hoso.intake.models import Submission
from hoso.reports.models import Problem, ProblemEvent
from hoso.workflow.models import Dossier

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000


class ProblemError(CodedError):
    pass


def _label(actor, label: str) -> str:
    if label:
        return label[:150]
    return actor.get_username() if actor is not None else "hoso"


def _find_links(dossier_number: str | None, submission_id: str | None, ivan=None):
    dossier = submission = None
    if dossier_number:
        dossier = Dossier.objects.filter(number=dossier_number.strip()).first()
        if dossier is None or (ivan is not None and dossier.ivan_id != ivan.code):
            raise ProblemError(
                "PROBLEM_DOSSIER_UNKNOWN",
                f"Không tìm thấy hồ sơ số {dossier_number}.",
                f"No dossier numbered {dossier_number}.",
            )
    if submission_id:
        try:
            submission = Submission.objects.filter(public_id=str(submission_id).strip()).first()
        except (ValueError, ValidationError):  # not a UUID
            submission = None
        if submission is None or (ivan is not None and submission.ivan_id != ivan.code):
            raise ProblemError(
                "PROBLEM_SUBMISSION_UNKNOWN",
                f"Không tìm thấy lần nộp {submission_id}.",
                f"No submission {submission_id}.",
            )
        if dossier is None:
            dossier = submission.dossier
    return dossier, submission


@transaction.atomic
def report_problem(
    *,
    category: str,
    title: str,
    description: str,
    source: str,
    reporter=None,
    reporter_label: str = "",
    ivan=None,
    office=None,
    dossier_number: str | None = None,
    submission_id: str | None = None,
    at=None,
) -> Problem:
    """Record a new problem report, open, with its first history event."""
    if category not in Problem.Category.values:
        raise ProblemError(
            "PROBLEM_CATEGORY",
            f"Loại vướng mắc “{category}” không có; chọn một trong: {', '.join(Problem.Category.values)}.",
            f"Unknown category “{category}”; use one of: {', '.join(Problem.Category.values)}.",
        )
    title, description = (title or "").strip(), (description or "").strip()
    if not title or not description:
        raise ProblemError(
            "PROBLEM_EMPTY",
            "Vướng mắc cần có tiêu đề và mô tả.",
            "A problem report needs a title and a description.",
        )
    if len(title) > MAX_TITLE or len(description) > MAX_DESCRIPTION:
        raise ProblemError(
            "PROBLEM_TOO_LONG",
            f"Tiêu đề tối đa {MAX_TITLE} ký tự, mô tả tối đa {MAX_DESCRIPTION} ký tự.",
            f"The title takes at most {MAX_TITLE} characters, the description {MAX_DESCRIPTION}.",
        )
    dossier, submission = _find_links(dossier_number, submission_id, ivan)
    at = at or timezone.now()
    if office is None:
        officer = getattr(reporter, "officer", None) if reporter is not None else None
        office = officer.office if officer is not None else (dossier.office if dossier is not None else None)
    problem = Problem.objects.create(
        category=category, title=title, description=description, source=source, reporter=reporter,
        reporter_label=_label(reporter, reporter_label or (f"I-VAN {ivan.code} {ivan.name}" if ivan else "")),
        ivan=ivan, office=office, dossier=dossier, submission=submission, created_at=at, updated_at=at,
    )  # fmt: skip
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.CREATED, at=at, actor=reporter,
        actor_label=problem.reporter_label, text=description, to_status=problem.status,
    )  # fmt: skip
    return problem


def _touch(problem: Problem, at) -> None:
    problem.updated_at = at
    problem.save(update_fields=["status", "assignee", "updated_at"])


@transaction.atomic
def reply(
    problem: Problem, *, text: str, actor=None, actor_label: str = "", status: str | None = None, at=None
):
    """Add a reply; IT usually answers with status ``answered``; a reporter's reply reopens an answered one."""
    text = (text or "").strip()
    if not text:
        raise ProblemError("PROBLEM_EMPTY_REPLY", "Nội dung trả lời trống.", "The reply is empty.")
    at = at or timezone.now()
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    previous = problem.status
    if status is not None:
        _check_status(status)
        problem.status = status
    elif problem.status == Problem.Status.ANSWERED and actor is not None and actor == problem.reporter:
        problem.status = Problem.Status.OPEN
    event = ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.REPLY, at=at, actor=actor, actor_label=_label(actor, actor_label),
        text=text, from_status=previous if problem.status != previous else "",
        to_status=problem.status if problem.status != previous else "",
    )  # fmt: skip
    _touch(problem, at)
    return event


def _check_status(status: str) -> None:
    if status not in Problem.Status.values:
        raise ProblemError(
            "PROBLEM_STATUS", f"Trạng thái “{status}” không có.", f"Unknown status “{status}”."
        )


@transaction.atomic
def set_status(problem: Problem, status: str, *, actor=None, actor_label: str = "", at=None) -> Problem:
    _check_status(status)
    at = at or timezone.now()
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == status:
        return problem
    previous, problem.status = problem.status, status
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.STATUS, at=at, actor=actor,
        actor_label=_label(actor, actor_label), from_status=previous, to_status=status,
    )  # fmt: skip
    _touch(problem, at)
    return problem


@transaction.atomic
def assign(problem: Problem, assignee, *, actor=None, actor_label: str = "", at=None) -> Problem:
    at = at or timezone.now()
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    problem.assignee = assignee
    previous = problem.status
    if problem.status == Problem.Status.OPEN and assignee is not None:
        problem.status = Problem.Status.IN_PROGRESS
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.ASSIGNED, at=at, actor=actor, actor_label=_label(actor, actor_label),
        text=assignee.get_username() if assignee is not None else "",
        from_status=previous if previous != problem.status else "",
        to_status=problem.status if previous != problem.status else "",
    )  # fmt: skip
    _touch(problem, at)
    return problem


def queue(*, statuses=(Problem.Status.OPEN, Problem.Status.IN_PROGRESS), category: str | None = None):
    """IT's queue: unresolved reports, oldest first."""
    items = Problem.objects.select_related("office", "ivan", "assignee", "dossier").filter(
        status__in=list(statuses)
    )
    if category:
        items = items.filter(category=category)
    return items.order_by("created_at", "id")
