"""``POST /api/v1/problems``: an I-VAN reports a problem (vướng mắc) to the IT department; ``GET
/api/v1/problems/{id}`` reads it back with its replies. A django-ninja router for the I-VAN API, which
mounts it (``api.add_router("", hoso.reports.api.router)``) and so authenticates the I-VAN."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from hoso.api.schemas import ErrorOut
from hoso.reports.models import Problem
from hoso.reports.problems import report_problem

#: The error answers every I-VAN endpoint may give, in the API's one error shape.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}

router = Router(tags=["problems"])


class ProblemIn(Schema):
    category: str
    title: str
    description: str
    dossier_number: str | None = None
    submission_id: str | None = None


class ProblemEventOut(Schema):
    kind: str
    at: datetime
    by: str
    text: str
    from_status: str
    to_status: str


class ProblemOut(Schema):
    id: int
    category: str
    title: str
    description: str
    status: str
    created_at: datetime
    updated_at: datetime
    dossier_number: str | None = None
    submission_id: str | None = None
    events: list[ProblemEventOut]


def _out(problem: Problem) -> dict:
    return {
        "id": problem.pk,
        "category": problem.category,
        "title": problem.title,
        "description": problem.description,
        "status": problem.status,
        "created_at": problem.created_at,
        "updated_at": problem.updated_at,
        "dossier_number": problem.dossier.number if problem.dossier_id else None,
        "submission_id": str(problem.submission.public_id) if problem.submission_id else None,
        "events": [
            {
                "kind": e.kind,
                "at": e.at,
                "by": e.actor_label,
                "text": e.text,
                "from_status": e.from_status,
                "to_status": e.to_status,
            }
            for e in problem.events.all()
        ],  # fmt: skip
    }


@router.post(
    "/problems", response={201: ProblemOut, **ERRORS}, summary="Report a problem to the IT department"
)
def create_problem(request: HttpRequest, payload: ProblemIn):
    """Categories: signature, registration, barcode, policy, forms, ivan, system, other. A dossier number
    or submission id, when given, must be one this I-VAN carried."""
    problem = report_problem(
        category=payload.category, title=payload.title, description=payload.description,
        source=Problem.Source.IVAN, ivan=request.auth, dossier_number=payload.dossier_number,
        submission_id=payload.submission_id,
    )  # fmt: skip
    return Status(201, _out(problem))


@router.get(
    "/problems/{problem_id}", response={200: ProblemOut, **ERRORS}, summary="A problem report and its replies"
)
def get_problem(request: HttpRequest, problem_id: int):
    problem = Problem.objects.filter(pk=problem_id, ivan=request.auth).first()
    if problem is None:
        raise HttpError(404, f"Không tìm thấy vướng mắc số {problem_id} của I-VAN này.")
    return Status(200, _out(problem))
