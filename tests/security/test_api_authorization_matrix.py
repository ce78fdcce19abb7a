"""Issue 9 item 3, the API side: a table over every operation of the I-VAN API (/api/v1) × every kind of
caller — no key, a wrong key, a revoked key, the key of an inactive I-VAN, the key of the I-VAN that owns
the dossier, the key of another I-VAN, and an officer's logged-in session (no key) — with the answer each
one must get. The operations are enumerated from the running URL map (every path under /api/v1 and every
method it answers) and from the OpenAPI document, so that a new operation without a row in the table fails
the test: nobody adds an endpoint without deciding who may call it.

The objects (a dossier and a problem report) belong to I-VAN A (00030). Another I-VAN (B, 00040) gets the
same 404 as for an id that does not exist, never a 403 (no hint that the object exists), and its feed,
listing and number lookup show nothing of A's. A refused caller changes nothing in the database.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api.conftest import (  # noqa: F401 — the fixtures: a PKI valid today, trust, a registered unit
    UNIT_CODE,
    UNIT_TAX,
    make_envelope,
    pki,
    rate_limit_off,
    signers,
    trusted,
    unit,
)

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
OWNER, OTHER, INACTIVE = "00030", "00040", "00050"  # EFY (owns the dossier), Thái Sơn, Viettel (inactive)

#: Callers refused before any operation runs, and the one answer each gets, whatever the operation.
REFUSED: dict[str, tuple[int, str]] = {
    "anonymous": (401, "API_AUTH_MISSING"),
    "wrong_key": (401, "API_AUTH_INVALID"),
    "revoked_key": (401, "API_AUTH_REVOKED"),
    "inactive_ivan": (403, "API_IVAN_INACTIVE"),
    # An officer's session (even a superuser's of the dossier's own office) is no credential for the API.
    "officer": (401, "API_AUTH_MISSING"),
}
CALLERS = (*REFUSED, "owner", "other_ivan")

#: The HTTP status, and the error code (the JSON "code", or a reason code in an XML receipt).
Outcome = tuple[int, str | None]


@dataclass(frozen=True)
class Row:
    """One operation of the API and the answer of the owning I-VAN and of another I-VAN."""

    method: str
    template: str  # the path under /api/v1, as in the OpenAPI document
    owner: Outcome
    other: Outcome
    query: str = ""
    body: str | None = None  # which body of the world is sent (see World.bodies)
    changes: bool = False  # a POST that may change state: refused callers must change nothing
    owner_sees_a: bool = False  # the owner's answer shows A's dossier (and no other caller's does)


#: Read-only operations first, then those that change state (the owner's answers change the world).
TABLE: tuple[Row, ...] = (
    Row("GET", "/ping", owner=(200, None), other=(200, None)),
    Row("GET", "/feed", query="?after=0", owner=(200, None), other=(200, None), owner_sees_a=True),
    Row("GET", "/dossiers", owner=(200, None), other=(200, None), owner_sees_a=True),
    Row("GET", "/dossiers", query="?number={number}", owner=(200, None), other=(200, None), owner_sees_a=True),
    Row("GET", "/dossiers/{submission_id}", owner=(200, None), other=(404, "API_NOT_FOUND"), owner_sees_a=True),
    Row("GET", "/dossiers/{submission_id}/receipt", owner=(200, None), other=(404, "API_NOT_FOUND")),
    # No result recorded on A's dossier: 404 to both, and B's 404 is the same as for a dossier of no one.
    Row("GET", "/dossiers/{submission_id}/result", owner=(404, "API_NOT_FOUND"), other=(404, "API_NOT_FOUND")),
    Row(
        "GET", "/dossiers/{submission_id}/supplements/{supplement_id}/receipt",
        owner=(404, "API_NOT_FOUND"), other=(404, "API_NOT_FOUND"),
    ),
    Row("GET", "/problems/{problem_id}", owner=(200, None), other=(404, "API_NOT_FOUND")),
    Row(
        "POST", "/dossiers/{submission_id}/supplements", body="supplement", changes=True,
        owner=(201, None), other=(404, "API_NOT_FOUND"),
    ),
    Row(
        "POST", "/problems", body="problem", changes=True,
        owner=(201, None), other=(404, "PROBLEM_DOSSIER_UNKNOWN"),  # A's dossier number is "unknown" to B
    ),
    Row(
        "POST", "/registrations", body="registration", changes=True,
        owner=(200, None),  # the unit's certificate is already registered through A: a repeat
        other=(422, "REG_IVAN_MISMATCH"),  # the unit signed a registration naming A, not B
    ),
    Row(
        "POST", "/dossiers", body="envelope", changes=True,
        owner=(201, None),
        other=(422, "INTAKE_IVAN_MISMATCH"),  # B's own refused submission: the envelope names A
    ),
)  # fmt: skip

#: URLs under /api/v1 that are not operations, and their status: public, the same for every caller, no
#: dossier data in them. The first three are read only (GET and HEAD; any other method is a JSON 405).
PUBLIC: dict[str, int] = {
    "/docs": 200,  # the Swagger UI page
    "/docs/{name}": 200,  # its files (from the package, no CDN); an unknown name is a JSON 404
    "/openapi.json": 200,  # the published contract (also docs/openapi.json)
    "/codes": 200,  # the code catalogue: public, and an operation of the OpenAPI document (issue 19, item 6)
    "/": 404,  # django-ninja's root: nothing there (the JSON 404, for every method)
}
#: Sample values for the path parameters when the URL map is probed.
SAMPLES = {
    "submission_id": str(uuid.UUID(int=1)),
    "supplement_id": str(uuid.UUID(int=2)),
    "problem_id": "1",
    "name": "swagger-ui.css",
}
CATCH_ALL = "^(?P<rest>.*)$"  # unknown_path: 404 API_NOT_FOUND for any other path
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


# --- enumeration of the API -------------------------------------------------------------------------------


def _api_patterns(resolver=None, prefix="") -> list[str]:
    """Every URL pattern under api/v1/ in the running URL map, as a path template (``{name}``)."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if pattern.startswith("api/v1/") or "api/v1/".startswith(pattern):
                found += _api_patterns(entry, pattern)
        elif isinstance(entry, URLPattern) and pattern.startswith("api/v1/"):
            found.append(pattern.removeprefix("api/v1"))
    return [p if CATCH_ALL in p else re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", p) for p in found]


def _sample(template: str) -> str:
    def value(match: re.Match) -> str:
        assert match[1] in SAMPLES, f"add a sample value for the path parameter {{{match[1]}}} to SAMPLES"
        return SAMPLES[match[1]]

    return PREFIX + re.sub(r"\{(\w+)\}", value, template)


def _answered(template: str) -> dict[str, int]:
    """The methods a path answers otherwise than 405, to a caller without credentials."""
    client = Client(HTTP_HOST="127.0.0.1")
    return {
        method: status
        for method in PROBED_METHODS
        if (status := client.generic(method, _sample(template)).status_code) != 405
    }


def test_every_api_operation_has_a_row_in_the_table(reference_data):
    """Every (method, path) the URL map answers is in TABLE (operations, key required) or PUBLIC; the
    OpenAPI document lists exactly the operations of TABLE; only the catch-all is neither."""
    operations = {(row.method, row.template) for row in TABLE}
    patterns = _api_patterns()
    assert CATCH_ALL in [p.removeprefix("/") for p in patterns], "the catch-all of unknown paths moved"
    answered = {}
    for template in patterns:
        if template.removeprefix("/") == CATCH_ALL:
            continue
        for method, status in _answered(template).items():
            if method != "HEAD":  # Django answers HEAD as GET where GET is served
                answered[(method, template)] = status
    public = {(method, template) for method, template in answered if template in PUBLIC}
    missing = set(answered) - operations - public
    assert not missing, f"API URLs without a row in the table: {sorted(missing)}"
    assert operations <= set(answered), "rows for operations that do not exist"
    assert {t for _m, t in public} == set(PUBLIC), "rows for public URLs that do not exist"
    # Every operation needs the key: an anonymous request is refused before anything else.
    public_operations = {op: s for op, s in answered.items() if op in operations and s != 401}
    assert not public_operations, f"operations answered without a key: {public_operations}"
    assert {op: s for op, s in answered.items() if op in public} == {op: PUBLIC[op[1]] for op in public}
    from hoso.api.views import openapi_document

    documented = {
        (method.upper(), path.removeprefix(PREFIX))
        for path, item in openapi_document()["paths"].items()
        for method in item
    }
    assert documented - {("GET", "/codes")} == operations


def test_public_api_urls_answer_everyone_alike(world):
    """The docs, the OpenAPI document and unknown paths answer the same to every caller."""
    for template, status in PUBLIC.items():
        answers = {who: world.call(who, "GET", _sample(template)) for who in CALLERS}
        assert {who: r.status_code for who, r in answers.items()} == dict.fromkeys(CALLERS, status), template
        assert len({_content(r) for r in answers.values()}) == 1, template
    for who in CALLERS:
        response = world.call(who, "GET", f"{PREFIX}/no-such-thing/{world.sid}")
        assert (response.status_code, response.json()["code"]) == (404, "API_NOT_FOUND"), who


# --- the world: A's dossier, A's problem, the callers ---------------------------------------------------


@dataclass
class World:
    keys: dict[str, str]
    officer_client: Client
    sid: uuid.UUID  # A's submission (its receipt's MaGiaoDich)
    number: str  # A's dossier number
    dossier_pk: int
    problem_id: int
    receipt_sha256: str
    bodies: dict[str, tuple[bytes, str]]
    blobs: Path
    client: Client = field(default_factory=lambda: Client(enforce_csrf_checks=True))

    def call(self, who: str, method: str, path: str, body: bytes = b"", content_type: str = "application/xml",
             **headers):  # fmt: skip
        headers["HTTP_HOST"] = "127.0.0.1"
        if who in self.keys:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.keys[who]}"
        client = self.officer_client if who == "officer" else self.client
        return client.generic(method, path, body, content_type=content_type, **headers)

    def path(self, row: Row) -> str:
        fill = {"submission_id": self.sid, "problem_id": self.problem_id, "number": self.number,
                "supplement_id": SAMPLES["supplement_id"]}  # fmt: skip
        return PREFIX + row.template.format(**fill) + row.query.format(**fill)

    def secrets(self) -> list[str]:
        """What only A may learn: its dossier's id, number and receipt."""
        return [str(self.sid), self.number, self.receipt_sha256]


@pytest.fixture
def world(unit, make_envelope, signers, settings, rate_limit_off) -> World:  # noqa: F811 — imported fixtures
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from hoso.api.models import IvanKey
    from hoso.intake.registration import build_registration
    from hoso.reference.models import IvanProvider, Officer
    from hoso.signature.sign import sign_xml
    from hoso.workflow.models import Dossier
    from hoso.workflow.services import request_supplement, transition

    providers = {code: IvanProvider.objects.get(code=code) for code in (OWNER, OTHER, INACTIVE)}
    keys = {
        "owner": IvanKey.issue(providers[OWNER])[1],
        "other_ivan": IvanKey.issue(providers[OTHER])[1],
        "inactive_ivan": IvanKey.issue(providers[INACTIVE])[1],
        "wrong_key": f"hoso_{OWNER}_{uuid.uuid4().hex}",  # well formed, never issued
    }
    revoked, keys["revoked_key"] = IvanKey.issue(providers[OWNER], label="old")
    IvanKey.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    IvanProvider.objects.filter(code=INACTIVE).update(active=False)

    user = get_user_model().objects.create_user("motcua.api", is_staff=True, is_superuser=True)
    Officer.objects.create(user=user, office_id="00105", department_id="mot_cua")  # A's dossier's office
    officer_client = Client(enforce_csrf_checks=True)
    officer_client.force_login(user)

    owner = Client()
    auth = {"HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": f"Bearer {keys['owner']}"}
    posted = owner.generic(
        "POST", f"{PREFIX}/dossiers", make_envelope(), content_type="application/xml", **auth
    )
    assert posted.status_code == 201, posted.content
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai TK1-TS.")
    problem = owner.post(
        f"{PREFIX}/problems",
        {"category": "ivan", "title": "Hồ sơ chậm", "description": "Chưa có kết quả.", "dossier_number": dossier.number},
        content_type="application/json",
        **auth,
    )  # fmt: skip
    assert problem.status_code == 201, problem.content

    registration = build_registration(
        code=UNIT_CODE, name="Công ty TNHH Thương mại Hoà Bình", tax_code=UNIT_TAX, office="00105", ivan=OWNER
    )
    problem_body = {"category": "other", "title": "Hỏi về hồ sơ", "description": "Xin kiểm tra giúp.",
                    "dossier_number": dossier.number}  # fmt: skip
    return World(
        keys=keys,
        officer_client=officer_client,
        sid=uuid.UUID(posted["X-Submission-Id"]),
        number=dossier.number,
        dossier_pk=dossier.pk,
        problem_id=problem.json()["id"],
        receipt_sha256=dossier.submission.receipt_sha256,
        bodies={
            "supplement": (make_envelope(employees=1), "application/xml"),
            "registration": (sign_xml(registration, signers["unit-valid"]), "application/xml"),
            "problem": (json.dumps(problem_body).encode(), "application/json"),
            "envelope": (make_envelope(employees=2), "application/xml"),
        },
        blobs=Path(settings.HOSO_BLOB_STORE),
    )


def _state(world: World, only_a: bool = False) -> dict:
    """What a request could change: the rows of every table it may write, and the stored blobs (or only
    what belongs to A, for another I-VAN, whose own refused submissions are its business)."""
    from hoso.api.models import IvanKey
    from hoso.intake.models import Submission
    from hoso.reference.models import CertificateRegistration
    from hoso.reports.models import Problem, ProblemEvent
    from hoso.workflow.models import Dossier, DossierEvent

    state = {
        "a_dossier": list(Dossier.objects.filter(pk=world.dossier_pk).values("status", "status_changed_at")),
        "a_events": DossierEvent.objects.filter(dossier__ivan_id=OWNER).count(),
        "a_submissions": Submission.objects.filter(ivan_id=OWNER).count(),
        "a_problems": Problem.objects.filter(ivan_id=OWNER).count(),
        "a_problem_events": ProblemEvent.objects.filter(problem__ivan_id=OWNER).count(),
        "registrations": list(CertificateRegistration.objects.order_by("pk").values_list("pk", "ivan_id", "registered_until")),
        "keys": list(IvanKey.objects.order_by("pk").values_list("pk", "revoked_at")),
    }  # fmt: skip
    if not only_a:
        state |= {
            "submissions": Submission.objects.count(),
            "dossiers": Dossier.objects.count(),
            "events": DossierEvent.objects.count(),
            "problems": Problem.objects.count(),
            "problem_events": ProblemEvent.objects.count(),
            "blobs": sorted(p.name for p in world.blobs.rglob("*") if p.is_file()),
        }
    return state


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _code(response) -> str | None:
    """The JSON error code, or for an XML receipt the reason codes it carries."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/json") and response.status_code >= 400:
        return response.json()["code"]
    if "xml" in kind and response.status_code >= 400:
        return " ".join(sorted({c.decode() for c in re.findall(rb"\b[A-Z]+_[A-Z_]+\b", response.content)}))
    return None


# --- the matrix -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
def test_who_may_call_each_operation(world, who):
    wrong = []
    for row in TABLE:
        expected = REFUSED.get(who) or (row.owner if who == "owner" else row.other)
        path = world.path(row)
        body, content_type = world.bodies[row.body] if row.body else (b"", "application/xml")
        before = _state(world, only_a=who == "other_ivan")
        response = world.call(who, row.method, path, body, content_type)
        after = _state(world, only_a=who == "other_ivan")
        code = _code(response)
        got = (response.status_code, code)
        if response.status_code != expected[0] or (expected[1] and (code is None or expected[1] not in code)):
            wrong.append((row.method, path, "expected", expected, "got", got, response.content[:300]))
        if who != "owner":
            if row.changes and before != after:
                wrong.append((row.method, path, "changed the database", before, after))
            request_text = path + body.decode()
            leaked = [s for s in world.secrets() if s in response.content.decode("utf-8", "replace")
                      and s not in request_text]  # fmt: skip
            if leaked:
                wrong.append((row.method, path, "shows A's", leaked))
        else:
            if row.owner_sees_a and str(world.sid) not in response.content.decode():
                wrong.append((row.method, path, "the owner does not see its dossier"))
            if row.changes and response.status_code == 201 and before == after:
                wrong.append((row.method, path, "201 but nothing recorded (is _state blind?)"))
    assert not wrong, "\n".join(map(repr, wrong))


# --- objects of another I-VAN: 404 exactly as for ids that do not exist -----------------------------------


def _guesses(sid: uuid.UUID) -> list[str]:
    """Ids a caller might try: random ones, neighbours of a real one, the extremes."""
    return [str(uuid.uuid4()), str(uuid.UUID(int=sid.int + 1)), str(uuid.UUID(int=sid.int - 1)),
            str(uuid.UUID(int=0)), str(uuid.UUID(int=2**128 - 1))]  # fmt: skip


def _same_answer(real, guessed, real_id: str, guessed_id: str) -> bool:
    """The answer for a real object of another I-VAN is the answer for a made-up id, the id aside."""
    head = (real.status_code, real.get("Content-Type")) == (guessed.status_code, guessed.get("Content-Type"))
    return head and _content(real).replace(real_id.encode(), b"ID") == _content(guessed).replace(
        guessed_id.encode(), b"ID"
    )


def test_another_ivan_cannot_tell_that_a_dossier_exists(world):
    envelope = world.bodies["supplement"][0]
    for suffix, method, body in (
        ("", "GET", b""),
        ("/receipt", "GET", b""),
        ("/supplements", "POST", envelope),
    ):
        real = world.call("other_ivan", method, f"{PREFIX}/dossiers/{world.sid}{suffix}", body)
        assert (real.status_code, real.json()["code"]) == (404, "API_NOT_FOUND"), suffix
        for guess in _guesses(world.sid):
            guessed = world.call("other_ivan", method, f"{PREFIX}/dossiers/{guess}{suffix}", body)
            assert _same_answer(real, guessed, str(world.sid), guess), (suffix, guess)
            mine = world.call("owner", method, f"{PREFIX}/dossiers/{guess}{suffix}", body)
            assert (mine.status_code, mine.json()["code"]) == (404, "API_NOT_FOUND"), (suffix, guess)
        # Other spellings of the real id are the same id: still not B's.
        for spelling in (str(world.sid).upper(), world.sid.hex, "{" + str(world.sid) + "}"):
            answer = world.call("other_ivan", method, f"{PREFIX}/dossiers/{spelling}{suffix}", body)
            assert (answer.status_code, answer.json()["code"]) == (404, "API_NOT_FOUND"), spelling
            text = _content(answer).decode()
            assert world.number not in text and world.receipt_sha256 not in text, spelling
        # Not an id at all: the same refusal of the parameter to both I-VANs.
        for who in ("other_ivan", "owner"):
            answer = world.call(
                who, method, f"{PREFIX}/dossiers/{world.number.replace('/', '-')}{suffix}", body
            )
            assert (answer.status_code, answer.json()["code"]) == (400, "API_INVALID_REQUEST"), (who, suffix)
    from hoso.workflow.models import Dossier

    # B's supplements did nothing.
    assert Dossier.objects.get(pk=world.dossier_pk).status == "supplement_requested"


def test_another_ivan_cannot_tell_that_a_problem_exists(world):
    real = world.call("other_ivan", "GET", f"{PREFIX}/problems/{world.problem_id}")
    assert (real.status_code, real.json()["code"]) == (404, "API_NOT_FOUND")
    for guess in (world.problem_id + 1, world.problem_id - 1, 10**9):
        guessed = world.call("other_ivan", "GET", f"{PREFIX}/problems/{guess}")
        assert _same_answer(real, guessed, str(world.problem_id), str(guess)), guess
    # A problem report may name only the I-VAN's own dossiers: A's are "unknown", like made-up ones.
    for field_name, real_value, made_up, code in (
        ("dossier_number", world.number, "99999/2099/00105", "PROBLEM_DOSSIER_UNKNOWN"),
        ("submission_id", str(world.sid), str(uuid.uuid4()), "PROBLEM_SUBMISSION_UNKNOWN"),
    ):
        answers = []
        for value in (real_value, made_up):
            payload = {"category": "other", "title": "Hỏi", "description": "Hỏi về hồ sơ.", field_name: value}
            answers.append(world.call("other_ivan", "POST", f"{PREFIX}/problems", json.dumps(payload).encode(),
                                      "application/json"))  # fmt: skip
        assert (answers[0].status_code, answers[0].json()["code"]) == (404, code)
        assert _same_answer(answers[0], answers[1], real_value, made_up), field_name


def test_feed_listing_and_lookup_show_only_the_callers_dossiers(world, make_envelope, unit, pki):  # noqa: F811
    from hoso.workflow.models import Dossier
    from hoso.workflow.services import transition
    from tests.intake.conftest import register_certificate

    # The unit's certificate is registered through A; B may carry its dossiers once the office records
    # a registration that names no I-VAN (issue 19, item 7d: a registration binds the I-VAN it names).
    register_certificate(unit, pki.entities["unit-valid"].certificate, ivan=None)

    b_posted = world.call("other_ivan", "POST", f"{PREFIX}/dossiers", make_envelope(ivan=OTHER, employees=5))
    assert b_posted.status_code == 201, b_posted.content
    b_sid, b_number = b_posted["X-Submission-Id"], b_posted["X-Dossier-Number"]
    transition(Dossier.objects.get(pk=world.dossier_pk), "supplement_received", actor_label="Cán bộ thu")
    a_events = Dossier.objects.get(pk=world.dossier_pk).events.values_list("sequence", flat=True)
    assert len(a_events) >= 4  # received, in process, supplement requested, supplement received

    def read_feed(who: str, after: str) -> list[dict]:
        events, cursor = [], after
        while True:
            page = world.call(who, "GET", f"{PREFIX}/feed?after={cursor}&limit=1").json()
            events += page["events"]
            cursor = page["next"]
            if not page["has_more"]:
                return events

    for after in ("0", str(min(a_events) - 1), str(min(a_events))):
        b_feed = read_feed("other_ivan", after)
        assert b_feed and {(e["dossier_id"], e["dossier_number"]) for e in b_feed} == {(b_sid, b_number)}
        assert not set(a_events) & {e["sequence"] for e in b_feed}
    a_feed = read_feed("owner", "0")
    assert {(e["dossier_id"], e["dossier_number"]) for e in a_feed} == {(str(world.sid), world.number)}

    def lookup(who: str, query: str = "") -> list[str]:
        answer = world.call(who, "GET", f"{PREFIX}/dossiers{query}")
        assert answer.status_code == 200, answer.content
        return [item["id"] for item in answer.json()["items"]]

    assert lookup("owner") == [str(world.sid)] and lookup("other_ivan") == [b_sid]
    assert lookup("owner", f"?number={world.number}") == [str(world.sid)]
    assert lookup("other_ivan", f"?number={world.number}") == []
    assert lookup("other_ivan", f"?number=%20{world.number}%20") == []
    assert lookup("other_ivan", f"?number={b_number}") == [b_sid]
    assert lookup("owner", f"?number={b_number}") == []


def test_repeats_and_idempotency_keys_are_per_ivan(world, make_envelope):  # noqa: F811
    """B sending A's very bytes, or A's Idempotency-Key, gets its own answer, never A's receipt (a repeat)
    nor a conflict naming A's submission."""
    from hoso.intake.models import Submission

    body = make_envelope(employees=4)
    first = world.call("owner", "POST", f"{PREFIX}/dossiers", body, HTTP_IDEMPOTENCY_KEY="lo-2026-04")
    assert first.status_code == 201
    a_sid, a_number = first["X-Submission-Id"], first["X-Dossier-Number"]
    a_count = Submission.objects.filter(ivan_id=OWNER).count()

    def b_sends(sent: bytes, key: str | None = None):
        answer = world.call("other_ivan", "POST", f"{PREFIX}/dossiers", sent,
                            **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))  # fmt: skip
        text = _content(answer).decode()
        assert a_sid not in text and a_number not in text and answer.get("X-Submission-Id") != a_sid
        assert "X-Dossier-Number" not in answer
        return answer

    same_bytes = b_sends(body)  # not a repeat of A's: B's own refusal (the envelope names A)
    assert same_bytes.status_code == 422 and b"INTAKE_IVAN_MISMATCH" in same_bytes.content
    same_key = b_sends(make_envelope(employees=6), "lo-2026-04")  # not a conflict with A's key
    assert same_key.status_code == 422 and same_key["X-Submission-Id"] != same_bytes["X-Submission-Id"]
    # B's keys name B's submissions only: A's bytes under that key now conflict with B's own submission.
    both = b_sends(body, "lo-2026-04")
    assert both.status_code == 409 and both.json()["code"] == "API_IDEMPOTENCY_CONFLICT"
    assert same_key["X-Submission-Id"] in both.json()["message"]
    assert Submission.objects.filter(ivan_id=OWNER).count() == a_count
    repeat = world.call("owner", "POST", f"{PREFIX}/dossiers", body, HTTP_IDEMPOTENCY_KEY="lo-2026-04")
    assert repeat.status_code == 200 and repeat["X-Submission-Id"] == a_sid
