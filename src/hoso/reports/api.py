"""``POST /api/v1/problems``: an I-VAN reports a problem (vướng mắc) to the IT department; ``GET
/api/v1/problems/{id}`` reads it back with its replies. A django-ninja router for the I-VAN API, which
mounts it (``api.add_router("", hoso.reports.api.router)``) and so authenticates the I-VAN."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from hoso.api_errors import error_responses
from hoso.reports.models import Problem
from hoso.reports.problems import MAX_DESCRIPTION, MAX_TITLE, report_problem

router = Router(tags=["problems"])

#: Text with at least one character that is not white space — to str.strip(), which the report is cut
#: with, and to every regular-expression dialect a client may check the pattern with (ECMA's \s has
#: U+FEFF, Python's has U+001C–U+001F and U+0085).
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
#: A dossier number as the gateway gives them: NNNNN/YYYY/office (hoso.identifiers).
DOSSIER_NUMBER = r"^[0-9]{5}/[0-9]{4}/([0-9]{3}|[0-9]{5})$"


class ProblemIn(Schema):
    category: Literal[tuple(Problem.Category.values)]  # the enum of the OpenAPI document
    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=NOT_BLANK)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION, pattern=NOT_BLANK)
    dossier_number: Annotated[str, StringConstraints(pattern=DOSSIER_NUMBER)] | None = Field(
        None, description="A dossier number this I-VAN carried (`00001/2026/00105`)."
    )
    submission_id: UUID | None = Field(None, description="The id of a submission this I-VAN carried.")


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
    "/problems",
    response={201: ProblemOut, **error_responses(404, 413)},
    summary="Report a problem to the IT department",
)
def create_problem(request: HttpRequest, payload: ProblemIn):
    """Categories: signature, registration, barcode, policy, forms, ivan, system, other. A dossier number
    or submission id, when given, must be one this I-VAN carried (404 `PROBLEM_DOSSIER_UNKNOWN`,
    `PROBLEM_SUBMISSION_UNKNOWN` otherwise)."""
    problem = report_problem(
        category=payload.category, title=payload.title, description=payload.description,
        source=Problem.Source.IVAN, ivan=request.auth, dossier_number=payload.dossier_number,
        submission_id=str(payload.submission_id) if payload.submission_id else None,
    )  # fmt: skip
    return Status(201, _out(problem))


@router.get(
    "/problems/{problem_id}",
    response={200: ProblemOut, **error_responses(404)},
    summary="A problem report and its replies",
)
def get_problem(request: HttpRequest, problem_id: int):
    problem = Problem.objects.filter(pk=problem_id, ivan=request.auth).first()
    if problem is None:
        raise HttpError(404, f"Không tìm thấy vướng mắc số {problem_id} của I-VAN này.")
    return Status(200, _out(problem))
