"""The back office: queues with filters, counts and keyset paging; the dossier page and its actions;
the hand-over desk; the public lookup by dossier number."""

from __future__ import annotations

import base64
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoso.desk import numbers, throttle
from hoso.desk.common import message_of, officer_required, visible_dossier_or_404
from hoso.desk.reception import form_tables
from hoso.errors import CodedError
from hoso.identifiers import IdentifierError, parse_dossier_number
from hoso.intake.blobstore import blob_store
from hoso.reference.calendar import working_calendar
from hoso.reference.models import Commune, Office, Procedure, Unit
from hoso.reports import ratings
from hoso.workflow import actions, supplements
from hoso.workflow.access import ACTIONS, DESK, HEAD, allowed_actions, visible_dossiers
from hoso.workflow.deadlines import LABELS as DUE_LABELS
from hoso.workflow.deadlines import LATE, due_state, due_state_filter, working_days_left
from hoso.workflow.models import Channel, Dossier
from hoso.workflow.results import Document, children_of, is_under_6_list
from hoso.workflow.states import Status

PAGE_SIZE = 50
# Counts per state stop at this many (shown as "10000+"): the history of handed-over dossiers grows
# without bound, and counting it on every page view would cost what the paging saves.
COUNT_CAP = 10_000
FILTERS = ("status", "procedure", "channel", "unit", "due", "office", "mine")
ALL_STATES = "all"
FINISHED = [Status.HANDED_OVER, Status.REFUSED]


def _cursor(due: date, pk: int) -> str:
    return _encode(f"{due.isoformat()}|{pk}")


def _parse_cursor(text: str) -> tuple[date, int] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        day, pk = raw.split("|")
        return date.fromisoformat(day), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def queue_filters(request, today: date) -> tuple[dict[str, str], Q]:
    """The filters of the query string, as given and as one database condition."""
    given = {name: request.GET.get(name, "").strip() for name in FILTERS}
    condition = Q()
    if given["status"] in Status.values:
        condition &= Q(status=given["status"])
    elif given["status"] != ALL_STATES:  # by default what is still open; "all" shows finished ones too
        given["status"] = "open"
        condition &= ~Q(status__in=FINISHED)
    if given["procedure"]:  # by id (the versions of the code), so that the indexes serve it without a join
        ids = list(Procedure.objects.filter(code=given["procedure"]).values_list("pk", flat=True))
        condition &= Q(procedure_id=ids[0]) if len(ids) == 1 else Q(procedure_id__in=ids)
    if given["channel"] in Channel.values:
        condition &= Q(channel=given["channel"])
    if given["unit"]:  # a unit code or a commune code: one indexed column, never an OR of two
        code = given["unit"].upper()
        if Unit.objects.filter(code=code).exists():
            condition &= Q(unit_id=code)
        elif Commune.objects.filter(gso_code=code).exists():
            condition &= Q(commune_id=code)
        else:
            condition &= Q(pk__in=[])
    if given["due"] in DUE_LABELS:
        condition &= due_state_filter(given["due"], today)
    if given["office"]:
        condition &= Q(office_id=given["office"])
    if given["mine"] == "1":
        condition &= Q(assignee=request.user)
    return given, condition


@officer_required()
@require_GET
def queue(request):
    """Dossiers of the officer's office (all offices for the City office and the director), by due date.

    Paging is by keyset — (due date, id) after the last row shown — so the millionth page costs what the
    first does; counts per state follow the other filters and are capped (``COUNT_CAP``), so that each is
    an index range of bounded length."""
    actor = request.actor
    today = timezone.localdate()
    given, base, condition = queue_query(request, today)
    rows = base.filter(condition)
    after = _parse_cursor(request.GET.get("after", ""))
    page = rows
    if after is not None:
        # (due_date, id) > cursor, written so that the index gets a range start (due_date >= …)
        page = page.filter(Q(due_date__gte=after[0]) & (Q(due_date__gt=after[0]) | Q(pk__gt=after[1])))
    page = list(
        page.select_related("procedure", "unit", "commune", "assignee", "office").order_by("due_date", "pk")[
            : PAGE_SIZE + 1
        ]
    )
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    mark_due(page, today)
    counted = base.filter(_without_status(request, today)).order_by()
    state_counts = []
    for value, label in Status.choices:
        n = counted.filter(status=value)[: COUNT_CAP + 1].count()  # an index range, at most CAP + 1 rows
        state_counts.append((value, label, min(n, COUNT_CAP), n > COUNT_CAP))
    query = request.GET.copy()
    query.pop("after", None)
    next_query = None
    if has_more:
        query["after"] = _cursor(page[-1].due_date, page[-1].pk)
        next_query = query.urlencode()
        query.pop("after")
    context = {
        "rows": page,
        "given": given,
        "state_counts": state_counts,
        "total": sum(n for _v, _l, n, _c in state_counts),
        "capped": any(c for _v, _l, _n, c in state_counts),
        "next_query": next_query,
        "first_query": query.urlencode(),
        "paged": after is not None,
        "statuses": Status.choices,
        "channels": Channel.choices,
        "due_labels": list(DUE_LABELS.items()),
        "procedures": Procedure.objects.order_by("code").values_list("code", flat=True).distinct(),
        "offices": Office.objects.all() if actor.sees_all_offices else [],
        "show_office": actor.sees_all_offices,
        "export_query": query.urlencode(),
    }
    template = "desk/queue_rows.html" if request.headers.get("HX-Request") else "desk/queue.html"
    return render(request, template, context)


def queue_query(request, today: date) -> tuple[dict[str, str], QuerySet, Q]:
    """The filters given, the dossiers the officer's queue draws from, and the filters' condition:
    a department officer's queue is their department's unless they ask for the whole office."""
    actor = request.actor
    given, condition = queue_filters(request, today)
    base = visible_dossiers(actor)
    if (
        actor.has("department_officer")
        and not actor.has(HEAD)
        and actor.department_id
        and given["mine"] != "all"
    ):
        base = base.filter(department_id=actor.department_id)
    return given, base, condition


def mark_due(dossiers, today: date) -> None:
    """Each dossier's due state, its label and, when late, the working days it is late by."""
    for dossier in dossiers:
        dossier.due = due_state(dossier.status, dossier.due_date, today)
        dossier.due_label = DUE_LABELS[dossier.due]
    late = working_days_since({d.due_date for d in dossiers if d.due == LATE}, today)
    for dossier in dossiers:
        dossier.days_late = late.get(dossier.due_date, 0) if dossier.due == LATE else 0


def working_days_since(days: set[date], today: date) -> dict[date, int]:
    """Working days from each of ``days`` (in the past) to ``today``, walking the calendar once from the
    earliest: a page of dossiers late for years costs one span, not one per row."""
    calendar = working_calendar()
    counts: dict[date, int] = {}
    total, later = 0, today
    for day in sorted(days, reverse=True):
        total += calendar.count_working_days(day, later)
        counts[day], later = total, day
    return counts


def _without_status(request, today: date) -> Q:
    """The filters other than the state: the counts show how many dossiers each state would give."""
    query = request.GET.copy()
    query["status"] = ALL_STATES  # every state, the finished ones too: each is counted on its own

    class _Request:
        GET = query
        user = request.user

    return queue_filters(_Request, today)[1]


@officer_required()
@require_GET
def dossier_page(request, pk: int):
    actor = request.actor
    dossier = visible_dossier_or_404(actor, pk)
    submission = getattr(dossier, "submission", None)
    today = timezone.localdate()
    due = due_state(dossier.status, dossier.due_date, today)
    allowed = allowed_actions(actor, dossier)
    context = {
        "d": dossier,
        "s": submission,
        "tables": labelled(form_tables(submission.facts if submission else {})),
        "signature": (submission.signature if submission else {}) or {},
        "events": dossier.events.select_related("actor").order_by("sequence"),
        "due": due,
        "due_label": DUE_LABELS[due],
        "days_left": working_days_left(dossier.due_date, today),
        "allowed": allowed,
        "result": getattr(dossier, "result", None),
        "children": children_of(dossier) if is_under_6_list(dossier) else [],
        "assignable": actions.assignable_officers(dossier) if "reassign" in allowed else [],
        "attachments": _attachments(dossier, submission),
        # The desk may not take every supplement (an electronic dossier's comes through the I-VAN):
        # say so in place of the upload, with the rule; ``actions`` refuses it all the same.
        "supplement_refusal": _supplement_refusal(dossier) if "receive_supplement" in allowed else None,
    }
    return render(request, "desk/dossier.html", context)


# Column labels of the under-6 list's household elements (hoso.dossier.children), which reach the decoded
# rows under their XML names: a person reads "Số giấy khai sinh", never "SoGiayKhaiSinh".
ELEMENT_LABELS = {
    "SoGiayKhaiSinh": gettext_lazy("Birth certificate number"),
    "NgayCapGiayKhaiSinh": gettext_lazy("Birth certificate issued on"),
    "HoTenChaMe": gettext_lazy("Father, mother or guardian"),
    "ChuHo": gettext_lazy("Head of household"),
    "MaHoGiaDinh": gettext_lazy("Household code"),
    "DiaChi": gettext_lazy("Address"),
    "MaTinh": gettext_lazy("Province code"),
    "MaHuyen": gettext_lazy("District code"),
    "MaXa": gettext_lazy("Commune code"),
}


def labelled(tables: list[dict]) -> list[dict]:
    """The decoded tables with every column a person can read: an element name left as its own label
    gets its words; one no list names is shown as "other information" rather than its XML name."""
    for table in tables:
        table["columns"] = [
            (key, ELEMENT_LABELS.get(key) or (gettext("Other information") if label == key else label))
            for key, label in table["columns"]
        ]
    return tables


def _supplement_refusal(dossier: Dossier) -> str | None:
    refusal = supplements.desk_refusal(dossier)
    return message_of(refusal) if refusal is not None else None


def _attachments(dossier: Dossier, submission) -> list[dict]:
    """Files of the dossier that can be opened: the received dossier, the files it carries, supplements,
    result documents and the signed result record."""
    items = []
    if submission is not None:
        items.append({"name": gettext("Dossier as received"), "sha256": submission.sha256, "type": "xml"})
        for index, form in enumerate((submission.facts or {}).get("forms", [])):
            items.append(
                {"name": form.get("file") or form.get("code"), "file": index, "type": form.get("type", "")}
            )
    for event in dossier.events.filter(data__has_key="sha256").exclude(kind="received"):
        items.append(
            {
                "name": gettext("Supplement of %(day)s")
                % {"day": timezone.localtime(event.at).strftime("%d/%m/%Y")},
                "sha256": event.data["sha256"],
            }
        )
    result = getattr(dossier, "result", None)
    if result is not None:
        items.extend({"name": d["name"], "sha256": d["sha256"], "type": d["type"]} for d in result.documents)
        items.append({"name": gettext("Signed result record"), "sha256": result.signed_sha256, "type": "xml"})
    for item in items:
        item["key"] = item.get("sha256") or f"f{item['file']}"
    return items


@officer_required()
@require_GET
def attachment(request, pk: int, key: str):
    """One file of a dossier: ``key`` is a SHA-256 listed for it, or ``f<N>`` for the N-th carried file."""
    dossier = visible_dossier_or_404(request.actor, pk)
    submission = getattr(dossier, "submission", None)
    listed = {a.get("sha256"): a for a in _attachments(dossier, submission) if a.get("sha256")}
    if key.startswith("f") and key[1:].isdigit() and submission is not None:
        from hoso.dossier import parse_envelope

        hoso = parse_envelope(blob_store().get(submission.sha256))
        files = hoso.info.files
        index = int(key[1:])
        if index >= len(files):
            raise Http404
        content, name = files[index].content(), files[index].ten_file
    elif key in listed:
        content, name = blob_store().get(key), listed[key]["name"]
    else:
        raise Http404
    kind = "application/pdf" if content.lstrip()[:5] == b"%PDF-" else "text/plain; charset=utf-8"
    if kind.startswith("text/plain") and content.lstrip()[:1] == b"<":
        kind = "text/xml; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    safe = "".join(c for c in str(name) if c.isalnum() or c in "._-") or "tep"
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required()
@require_POST
def act(request, pk: int, action: str):
    """Every action of the dossier page; the role, the office and the state are checked by
    ``hoso.workflow.actions`` (a refused action changes nothing and says why)."""
    actor = request.actor
    dossier = visible_dossier_or_404(actor, pk)
    if action not in ACTIONS:
        raise Http404
    note = request.POST.get("note", "").strip()
    try:
        if action == "take":
            actions.take(dossier, actor)
        elif action == "resume":
            actions.resume(dossier, actor)
        elif action == "request_supplement":
            actions.request_supplement(dossier, actor, note)
        elif action == "receive_supplement":
            upload = request.FILES.get("file")
            if upload is None:
                raise CodedError(
                    "DESK_FILE_REQUIRED", "Chọn tệp hồ sơ bổ sung.", "Choose the supplement file."
                )
            actions.receive_supplement(
                dossier, actor, raw=upload.read(), content_type=upload.content_type or "", note=note
            )
        elif action == "record_result":
            documents = [
                Document(f.name, f.read(), f.content_type or "") for f in request.FILES.getlist("documents")
            ]
            numbers = {
                int(key.split("_", 1)[1]): value.strip()
                for key, value in request.POST.items()
                if key.startswith("card_") and key.split("_", 1)[1].isdigit()
            }
            actions.record(dossier, actor, documents=documents, note=note, card_numbers=numbers)
        elif action == "refuse":
            actions.refuse(dossier, actor, note)
        elif action == "hand_over":
            actions.hand_over(dossier, actor, receiver=request.POST.get("receiver", ""))
        elif action == "reassign":
            user = get_user_model().objects.filter(pk=request.POST.get("to") or 0).first()
            if user is None:
                raise Http404
            actions.reassign(dossier, actor, user)
    except CodedError as error:
        messages.error(request, message_of(error))
        return redirect("desk:dossier", pk=dossier.pk)
    messages.success(request, gettext("Recorded for dossier %(number)s.") % {"number": dossier.number})
    if action == "hand_over" and request.POST.get("back") == "handover":
        return redirect("desk:handover")
    return redirect("desk:dossier", pk=dossier.pk)


@officer_required(DESK, HEAD)
@require_GET
def handover(request):
    """The results waiting at the desk of the officer's office, oldest first, with the working days each
    has waited, a page at a time (keyset on the time the result was ready); a number search on top."""
    actor = request.actor
    ready = visible_dossiers(actor).filter(status=Status.RESULT_READY)
    if not actor.sees_all_offices:
        ready = ready.filter(office_id=actor.office_id)
    number = request.GET.get("so", "").strip()
    number = numbers.written_number(numbers.scanned(number)[0]) if number else ""
    if number:
        ready = ready.filter(number=number)
    waiting = ready.order_by()[: COUNT_CAP + 1].count()
    after = _parse_handover_cursor(request.GET.get("after", ""))
    page = ready
    if after is not None:  # (status_changed_at, id) after the last row shown: keyset paging, oldest first
        page = page.filter(
            Q(status_changed_at__gte=after[0]) & (Q(status_changed_at__gt=after[0]) | Q(pk__gt=after[1]))
        )
    rows = list(
        page.select_related("procedure", "unit", "commune", "result").order_by("status_changed_at", "pk")[
            : PAGE_SIZE + 1
        ]
    )
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    today = timezone.localdate()
    since = working_days_since({timezone.localtime(d.status_changed_at).date() for d in rows}, today)
    for dossier in rows:
        dossier.days_waiting = since[timezone.localtime(dossier.status_changed_at).date()]
    query = request.GET.copy()
    query.pop("after", None)
    first_query = query.urlencode()
    if has_more:
        last = rows[-1]
        query["after"] = _encode(f"{last.status_changed_at.isoformat()}|{last.pk}")
    context = {
        "rows": rows,
        "number": number,
        "waiting": min(waiting, COUNT_CAP),
        "capped": waiting > COUNT_CAP,
        "next_query": query.urlencode() if has_more else None,
        "first_query": first_query,
        "paged": after is not None,
    }
    return render(request, "desk/handover.html", context)


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _parse_handover_cursor(text: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, pk = raw.split("|")
        return datetime.fromisoformat(moment), int(pk)
    except ValueError:  # UnicodeDecodeError and binascii.Error are ValueErrors
        return None


def _holds_the_receipt(dossier: Dossier, code: str) -> bool:
    """The second factor of the lookup: the submitter's code (unit code or commune code) or the
    transaction code (the submission's id), both printed on the receipt."""
    code = code.strip()
    if not code:
        return False
    if code.upper() in {c.upper() for c in (dossier.unit_id, dossier.commune_id) if c}:
        return True
    from hoso.intake.models import Submission

    public_id = Submission.objects.filter(dossier=dossier).values_list("public_id", flat=True).first()
    return public_id is not None and code.lower().replace("-", "") == public_id.hex


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Public lookup (the QR code of the receipt opens it filled in): the state and the due date only —
    nothing personal. It needs the dossier number *and* a code of the receipt (the unit or commune
    code, or the transaction code), gives the same answer for a number that does not exist as for a code
    that does not match, and is rate-limited per client (``hoso.desk.throttle``): numbers are sequential."""
    # As typed or scanned (no leading zeros, the receipt's QR address): hoso.desk.numbers. A POST is the
    # rating form below a found dossier (hoso.reports.ratings), checked and limited as a look-up.
    params = request.POST if request.method == "POST" else request.GET
    number, scanned_code = numbers.scanned(params.get("so", ""))
    number = numbers.written_number(number)[:40] if number else ""
    code = params.get("ma", "").strip()[:60] or scanned_code
    context = {"number": number, "code": code, "found": None, "invalid": False, "need_code": False}
    if number:
        verdict = throttle.lookup_hit(request)
        if not verdict.allowed:
            context["retry_after"] = verdict.retry_after
            response = render(request, "desk/lookup.html", {**context, "limited": True}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        try:
            parse_dossier_number(number)
        except IdentifierError:
            context["invalid"] = True
        else:
            if not code:
                context["need_code"] = True
            else:
                dossier = Dossier.objects.select_related("office", "procedure").filter(number=number).first()
                if dossier is not None and _holds_the_receipt(dossier, code):
                    today = timezone.localdate()
                    due = due_state(dossier.status, dossier.due_date, today)
                    context["found"] = {
                        "number": dossier.number,
                        "status": dossier.get_status_display(),
                        "status_code": dossier.status,
                        "due_date": dossier.due_date,
                        "due_label": DUE_LABELS[due],
                        "due": due,
                        "office": dossier.office.name,
                        "procedure": dossier.procedure.name,
                        "received": dossier.received_at,
                    }
                    context["rating"] = _rating(request, dossier)
    return render(request, "desk/lookup.html", context)


def _rating(request, dossier: Dossier) -> dict:
    """The rating below a found dossier: the form while it may be rated, kept on a POST, or why not."""
    state = {"rated": ratings.existing(dossier), "can": ratings.can_rate(dossier), "refused": "", "thanks": False,
             "choices": ratings.CHOICES}  # fmt: skip
    if request.method == "POST":
        outcome = ratings.rate(dossier, request.POST.get("diem", ""), request.POST.get("gop_y", ""))
        if isinstance(outcome, ratings.RatingRefused):
            state["refused"] = outcome.message
        else:
            state.update(rated=outcome, thanks=True)
    return state
