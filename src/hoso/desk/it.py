"""IT pages: policies in force and the what-if replay; trust anchors and CRLs; I-VANs and their API
keys; registrations. Reference data stays in the Django admin."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cryptography import x509
from django.apps import apps
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from hoso.dates import parse_day
from hoso.desk.common import message_of, officer_required
from hoso.errors import CodedError
from hoso.intake import cluster
from hoso.intake.gateway import anchors_dir, configured_source, crl_dir, gateway_certificate
from hoso.policies.models import PolicyVersion
from hoso.policies.services import replay_stored
from hoso.portal import ledger
from hoso.portal.models import Delivery
from hoso.portal.sync import resend
from hoso.reference.models import CertificateRegistration, IvanProvider
from hoso.signature.certs import common_name
from hoso.workflow.access import DIRECTOR, IT

MAX_DRAFT_CHARS = 200_000


@officer_required(IT, DIRECTOR)
@require_http_methods(["GET", "POST"])
def policies(request):
    """The policy versions in force, and a what-if: paste a draft policy file and a period to see which
    stored decisions would change (nothing is written)."""
    active = PolicyVersion.objects.filter(status=PolicyVersion.Status.ACTIVE).order_by(
        "-precedence", "policy"
    )
    context = {
        "active": active,
        "others": PolicyVersion.objects.exclude(status="active")[:50],
        "report": None,
    }
    draft = request.POST.get("draft", "")
    if request.method == "GET" and request.GET.get("from"):
        chosen = PolicyVersion.objects.filter(pk=request.GET.get("from")).first()
        draft = chosen.content if chosen else ""
    context["draft"] = draft
    context["date_from"] = request.POST.get("date_from", "")
    context["date_to"] = request.POST.get("date_to", "")
    if request.method == "POST":
        try:
            start = _date(context["date_from"], "Từ ngày", "From")
            end = _date(context["date_to"], "Đến ngày", "To")
            if not draft.strip() or len(draft) > MAX_DRAFT_CHARS:
                raise CodedError(
                    "DESK_DRAFT_REQUIRED",
                    "Dán nội dung tệp chính sách (TOML).",
                    "Paste a policy file (TOML).",
                )
            report = replay_stored(draft, start, end)
            context["report"] = report
            context["changes"] = report.changes[:200]
        except (CodedError, ValueError) as error:
            context["error"] = message_of(error) if isinstance(error, CodedError) else str(error)
    return render(request, "desk/it_policies.html", context)


def _date(text: str, label: str, label_en: str) -> date | None:
    """A day typed dd/mm/yyyy (a coded error in words for one that is no day); None when not given."""
    return parse_day(text, label=label, label_en=label_en) if text.strip() else None


def _file_rows(folder, pem, der, describe) -> list[dict]:
    """One row per file of ``folder``: what ``describe`` says of the object it holds (PEM or DER), or an
    error mark for a file that holds none."""
    rows = []
    if not folder.is_dir():
        return rows
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        data = path.read_bytes()
        try:
            thing = pem(data) if b"-----BEGIN" in data else der(data)
        except ValueError:
            rows.append({"file": path.name, "error": True})
            continue
        rows.append({"file": path.name, **describe(thing)})
    return rows


def _certificate_rows(folder) -> list[dict]:
    now = datetime.now(UTC)
    return _file_rows(
        folder,
        x509.load_pem_x509_certificate,
        x509.load_der_x509_certificate,
        lambda cert: {
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc,
            "expired": cert.not_valid_after_utc < now,
            "serial": format(cert.serial_number, "X"),
        },
    )


def _crl_rows(folder) -> list[dict]:
    now = datetime.now(UTC)
    return _file_rows(
        folder,
        x509.load_pem_x509_crl,
        x509.load_der_x509_crl,
        lambda crl: {
            "issuer": crl.issuer.rfc4514_string(),
            "last_update": crl.last_update_utc,
            "next_update": crl.next_update_utc,
            "stale": crl.next_update_utc is not None and crl.next_update_utc < now,
            "revoked": len(crl),
        },
    )


@officer_required(IT, DIRECTOR)
@require_GET
def trust(request):
    """What the gateway signs with and trusts: the cluster's certificates (the database), this server's
    folders, the CRLs the revocation job fetched, and an alert when revocation data runs out or a fetch
    keeps failing (the readiness checks crl_freshness and revocation_fetch)."""
    from hoso.intake.models import ClusterIdentity, FetchedCrl, GatewayCertificate, TrustedCertificate
    from hoso.operations import health

    now = datetime.now(UTC)
    current = ClusterIdentity.objects.filter(pk=1).values_list("gateway_sha256", flat=True).first()
    gateway = [
        {"subject": row.subject, "not_after": row.not_after, "builtin": row.sealed_key is not None,
         "state": "current" if row.sha256 == current else "earlier", "sha256": row.sha256}
        for row in GatewayCertificate.objects.order_by("-registered_at")
    ]  # fmt: skip
    try:
        mine = cluster.sha256_of(own := gateway_certificate())
    except Exception:  # noqa: BLE001 - no key yet, or a token that does not answer: readiness says which
        mine = None
    if mine is not None and all(row["sha256"] != mine for row in gateway):
        gateway.insert(0, {"subject": common_name(own.subject), "not_after": own.not_valid_after_utc,
                           "builtin": configured_source() == "built-in", "state": "unregistered", "sha256": mine})  # fmt: skip
    for row in gateway:
        row["expired"] = row["not_after"] < now
    alerts = [
        result for result in (health.crl_freshness(), health.revocation_fetch()) if result.status != health.OK
    ]
    return render(
        request,
        "desk/it_trust.html",
        {
            "gateway": gateway,
            "shared": TrustedCertificate.objects.order_by("role", "subject"),
            "fetched": [
                {"row": row, "stale": row.next_update < now}
                for row in FetchedCrl.objects.order_by("ca_name", "url")
            ],
            "alerts": alerts,
            "anchors": _certificate_rows(anchors_dir()),
            "crls": _crl_rows(crl_dir()),
            "anchors_dir": anchors_dir(),
            "crl_dir": crl_dir(),
        },
    )


@officer_required(IT, DIRECTOR)
@require_GET
def ivans(request):
    """I-VAN providers with their API keys (prefix, label, created, revoked; never the key itself)."""
    keys = {}
    if apps.is_installed("hoso.api"):
        from hoso.api.models import IvanKey

        for key in IvanKey.objects.order_by("ivan_id", "-created_at"):
            keys.setdefault(key.ivan_id, []).append(key)
    rows = [(ivan, keys.get(ivan.code, [])) for ivan in IvanProvider.objects.all()]
    return render(request, "desk/it_ivans.html", {"rows": rows})


@officer_required(IT, DIRECTOR)
@require_GET
def registrations(request):
    query = request.GET.get("q", "").strip()
    rows = CertificateRegistration.objects.select_related("unit", "commune", "ivan")
    if query:
        rows = (
            rows.filter(unit_id=query.upper()) | rows.filter(commune_id=query) | rows.filter(tax_code=query)
        )
    return render(
        request,
        "desk/it_registrations.html",
        {"rows": rows.order_by("-registered_from")[:200], "q": query, "now": datetime.now(UTC)},
    )


@officer_required(IT)
@require_http_methods(["GET", "POST"])
def portal(request):
    """The national portal's delivery ledger: filtered by state, kind, dossier and dates; rows chosen are
    sent again (hoso.portal.sync.resend) — after the cause is mended, or when the portal lost them."""
    query = request.POST if request.method == "POST" else request.GET
    context = {"error": "", "resent": None}
    try:
        filters = ledger.Filters(
            status=query.get("trang_thai", ""),
            service=query.get("loai", ""),
            number=query.get("ho_so", "").strip(),
            start=_date(query.get("tu_ngay", ""), "Từ ngày", "From"),
            end=_date(query.get("den_ngay", ""), "Đến ngày", "To"),
        )
    except CodedError as error:
        context["error"], filters = message_of(error), ledger.Filters()
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("chon") if v.isdigit()]
        context["resent"] = resend(Delivery.objects.filter(pk__in=chosen), by=request.user.get_username())
    before = request.GET.get("truoc", "")
    rows, more = ledger.page(filters, int(before) if before.isdigit() else None)
    context.update(
        rows=[(row, ledger.explain(row), ledger.change_of(row)) for row in rows],
        more=more,
        state=ledger.state(),
        statuses=Delivery.Status.choices,
        services=ledger.service_choices(),
        q={k: query.get(k, "") for k in ("trang_thai", "loai", "ho_so", "tu_ngay", "den_ngay")},
    )
    return render(request, "desk/it_portal.html", context)


IT_PAGES = [
    ("desk:it_policies", _("Policies")),
    ("desk:it_trust", _("Trust anchors and CRLs")),
    ("desk:it_ivans", _("I-VANs and keys")),
    ("desk:it_registrations", _("Registrations")),
    ("desk:it_portal", _("National portal")),
]
