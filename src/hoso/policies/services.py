"""The API of channel decisions for the rest of the gateway (the intake pipeline, the desk, the CLI).

For each submission the intake pipeline builds the facts, asks for the decision and records it::

    facts = facts_for(channel="barcode", procedure_code="602", submitter_kind="commune",
                      submitter_code="00007", has_certificate=False, office_code="00105",
                      received_at=timezone.now())
    decision = decide(facts)                  # hoso.policy.Decision: outcome, rule, messages, basis
    record = record_decision(facts, decision, reference=submission_key)   # inside its transaction

or both at once with :func:`decide_and_record`. The reception uses :func:`send_decision`, which sends
the same statement and checks its outcome when asked (its transaction is pipelined on PostgreSQL). Decisions are made under the *active* version of
every stored policy (see :func:`active_policy_set`); the committed policy files are stored the first
time they are needed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hoso import fastsql
from hoso.caching import ExpiringCache
from hoso.policies.errors import PolicyStorageError, PolicyVersionImmutable, UnknownProcedure
from hoso.policies.models import Decision as DecisionRecord
from hoso.policies.models import PolicyVersion
from hoso.policy import (
    BUILTIN_FILES,
    Decision,
    Facts,
    Outcome,
    Policy,
    PolicySet,
    builtin_text,
    load_policy,
)
from hoso.policy.facts import VN_TZ
from hoso.policy.replay import PastDecision, ReplayReport, replay
from hoso.reference.catalogue import known_tags as catalogue_tags
from hoso.reference.catalogue import procedure_on

#: ``store_policy(known=_CATALOGUE)``: check the tags against the catalogue in the database.
_CATALOGUE = object()
#: Compiled policy sets by the (pk, sha256) of their versions: what a key names never changes, so they are
#: kept an hour (a bound on memory, not on staleness).
_compiled: ExpiringCache[tuple[tuple[int, str], ...], PolicySet] = ExpiringCache(
    "compiled policy sets", seconds=3600, max_entries=32
)
#: Every reception asks for the active policy set: the list of active versions is read from the database
#: at most once per this many seconds per process. A change made in this process (store, activate) is
#: seen at once; one made by another process (`hoso policy activate`, the admin) within this delay.
ACTIVE_VERSIONS_CACHE_SECONDS = 5.0
_active_rows: ExpiringCache[None, list[tuple[int, str, str]]] = ExpiringCache(
    "active policy versions", seconds=ACTIVE_VERSIONS_CACHE_SECONDS, max_entries=1
)


# --- the catalogue --------------------------------------------------------------------------------


def known_tags() -> set[str]:
    """The procedure tags in use in the catalogue (what a policy file may name)."""
    return catalogue_tags()


def facts_for(
    *,
    channel: str,
    procedure_code: str,
    submitter_kind: str,
    has_certificate: bool,
    office_code: str,
    received_at: datetime,
    submitter_code: str = "",
) -> Facts:
    """Facts of a submission, with the procedure's tags from the catalogue version in force that day."""
    moment = received_at if timezone.is_aware(received_at) else received_at.replace(tzinfo=VN_TZ)
    day = moment.astimezone(VN_TZ).date()
    procedure = procedure_on(procedure_code, day)
    if procedure is None:
        raise UnknownProcedure(
            "POLICY_UNKNOWN_PROCEDURE",
            f"Không có thủ tục mã “{procedure_code}” trong danh mục vào ngày {day:%d/%m/%Y}.",
            f"No procedure with code “{procedure_code}” in the catalogue on {day:%Y-%m-%d}.",
            procedure=procedure_code,
            date=day.isoformat(),
        )
    return Facts(
        channel=channel,
        procedure_code=procedure.code,
        procedure_tags=frozenset(procedure.tags or ()),
        submitter_kind=submitter_kind,
        has_certificate=has_certificate,
        office_code=office_code,
        received_at=moment,
        submitter_code=submitter_code,
    )


# --- stored policy versions -----------------------------------------------------------------------


def parse_stored(version: PolicyVersion, *, known: Collection[str] | None = None) -> Policy:
    """The loaded policy of a stored version, checked against the identity stored with it."""
    policy = load_policy(version.content, known_tags=known, source=f"{version.policy} v{version.version}")
    if (policy.id, policy.version, policy.sha256) != (version.policy, version.version, version.sha256):
        raise PolicyStorageError(
            "POLICY_STORED_MISMATCH",
            f"Nội dung lưu của {version} không khớp mã, phiên bản hoặc mã băm đã ghi.",
            f"The stored content of {version} does not match its recorded id, version or hash.",
        )
    return policy


def store_policy(
    content: str,
    *,
    source: str = "upload",
    activate: bool = True,
    known: Collection[str] | None | object = _CATALOGUE,
) -> PolicyVersion:
    """Validate a policy file against the catalogue and store it as a version (active by default).

    The same id and version with the same content is a no-op; with another content it replaces the
    stored text only while that version has decided nothing (else :class:`PolicyVersionImmutable`).
    """
    tags = known_tags() if known is _CATALOGUE else known
    policy = load_policy(content, known_tags=tags, source=source)
    with transaction.atomic():
        existing = (
            PolicyVersion.objects.select_for_update().filter(policy=policy.id, version=policy.version).first()
        )
        if existing is not None and existing.sha256 == policy.sha256:
            if activate and existing.status != PolicyVersion.Status.ACTIVE:
                activate_version(existing)
            return existing
        if existing is not None and existing.has_decisions:
            raise PolicyVersionImmutable(
                "POLICY_VERSION_IMMUTABLE",
                f"Phiên bản {existing} đã được dùng để quyết định hồ sơ nên không thể sửa: hãy tăng “version”.",
                f"Version {existing} has decided dossiers and cannot change: increase “version”.",
                policy=policy.id,
                version=policy.version,
            )
        row = existing or PolicyVersion(policy=policy.id, version=policy.version)
        row.precedence = policy.precedence
        row.title_vi, row.title_en = policy.title_vi[:300], policy.title_en[:300]
        row.content, row.sha256, row.source = policy.text, policy.sha256, source[:200]
        if existing is None:
            row.status = PolicyVersion.Status.DRAFT
        row.save()
        if activate:
            activate_version(row)
    return row


def activate_version(version: PolicyVersion) -> None:
    """Make ``version`` the one active version of its policy (the others are retired)."""
    with transaction.atomic():
        PolicyVersion.objects.filter(policy=version.policy, status=PolicyVersion.Status.ACTIVE).exclude(
            pk=version.pk
        ).update(status=PolicyVersion.Status.RETIRED)
        version.status = PolicyVersion.Status.ACTIVE
        version.activated_at = timezone.now()
        PolicyVersion.objects.filter(pk=version.pk).update(
            status=version.status, activated_at=version.activated_at
        )
        forget_compiled_policies()
        transaction.on_commit(forget_compiled_policies)


def sync_builtin_policies(*, only_missing: bool = False) -> list[PolicyVersion]:
    """Store the committed policy files (``hoso/policy/data``).

    A policy id the database has never seen is stored and activated. With ``only_missing=False``
    (``hoso policy sync``) a newer committed version of a known policy is stored and activated too; a
    retired policy is not revived.
    """
    stored = []
    for name in BUILTIN_FILES:
        text = builtin_text(name)
        policy = load_policy(text, known_tags=None, source=name)
        versions = PolicyVersion.objects.filter(policy=policy.id)
        if versions.exists():
            newest = versions.order_by("-version").first()
            if only_missing or newest.version > policy.version:
                continue
            if newest.version == policy.version and newest.sha256 == policy.sha256:
                continue
        # The shipped files are tested against the shipped catalogue; an empty catalogue (reference
        # data not loaded yet) must not stop the gateway from deciding.
        known = known_tags() or None
        stored.append(store_policy(text, source=f"builtin:{name}", activate=True, known=known))
    return stored


def active_versions() -> list[PolicyVersion]:
    return list(PolicyVersion.objects.filter(status=PolicyVersion.Status.ACTIVE).order_by("-precedence"))


def _read_active_rows() -> list[tuple[int, str, str]]:
    return list(
        PolicyVersion.objects.filter(status=PolicyVersion.Status.ACTIVE).values_list("pk", "sha256", "policy")
    )


def _active_versions_cached() -> list[tuple[int, str, str]]:
    """(pk, sha256, policy id) of every active version, read at most every few seconds."""
    return _active_rows.get(None, _read_active_rows_stored)


def _read_active_rows_stored() -> list[tuple[int, str, str]]:
    """The active rows, the committed policy files stored first if the database has none of them."""
    rows = _read_active_rows()
    if not {p for _, _, p in rows} >= _builtin_ids() and _builtins_missing():
        try:
            sync_builtin_policies(only_missing=True)
        except IntegrityError:  # another process stored them at the same moment
            pass
        rows = _read_active_rows()
    return rows


def active_policy_set() -> PolicySet:
    """The active version of every stored policy, composed by precedence (cached by version and hash).

    The committed policy files are stored first if the database has none of them yet.
    """
    rows = _active_versions_cached()
    key = tuple(sorted((pk, sha) for pk, sha, _ in rows))
    return _compiled.get(key, lambda: _compile(key))


def _compile(key: tuple[tuple[int, str], ...]) -> PolicySet:
    return PolicySet([parse_stored(v) for v in PolicyVersion.objects.filter(pk__in=[pk for pk, _ in key])])


_BUILTIN_IDS: set[str] = set()


def _builtin_ids() -> set[str]:
    if not _BUILTIN_IDS:
        _BUILTIN_IDS.update(load_policy(builtin_text(n), known_tags=None).id for n in BUILTIN_FILES)
    return _BUILTIN_IDS


def _builtins_missing() -> bool:
    stored = set(PolicyVersion.objects.filter(policy__in=_builtin_ids()).values_list("policy", flat=True))
    return bool(_builtin_ids() - stored)


# --- deciding and recording -----------------------------------------------------------------------


def decide(facts: Facts, *, policy_set: PolicySet | None = None) -> Decision:
    """The decision on ``facts`` under the active policies (or ``policy_set``); nothing is written."""
    return (policy_set or active_policy_set()).evaluate(facts)


def record_decision(facts: Facts, decision: Decision, *, reference: str = "") -> DecisionRecord:
    """:func:`send_decision`, its outcome awaited at once."""
    return send_decision(facts, decision, reference=reference).result()


def send_decision(facts: Facts, decision: Decision, *, reference: str = "") -> fastsql.Sent:
    """Write the decision made on ``facts``, bound to the stored policy version that made it; the
    result (the record, or ``POLICY_VERSION_NOT_STORED`` raised) comes when asked for, so that inside
    :func:`hoso.fastsql.pipelined` the statement travels with the next one.

    The version is found by its identity *and content hash* in the same statement that inserts the
    decision (read, not cached, in the caller's transaction). On PostgreSQL its row is key-share locked
    until the decision is committed, so that no concurrent `store_policy` can replace the content of a
    version whose decision is not yet visible (it locks the row before checking ``has_decisions``).
    """
    for name, value in (
        ("office_code", facts.office_code),
        ("procedure_code", facts.procedure_code),
        ("submitter_code", facts.submitter_code),
    ):
        if len(value) > DecisionRecord._meta.get_field(name).max_length:
            raise PolicyStorageError(
                "POLICY_FACT_TOO_LONG",
                f"Giá trị “{name}” quá dài để ghi: {value[:40]}",
                f"Value of “{name}” too long to record: {value[:40]}",
            )
    moment = facts.received_at if facts.received_at.tzinfo else facts.received_at.replace(tzinfo=VN_TZ)
    return fastsql.send_insert_selecting(
        DecisionRecord(
            received_at=moment,
            channel=facts.channel.value,
            procedure_code=facts.procedure_code,
            submitter_kind=facts.submitter_kind.value,
            submitter_code=facts.submitter_code,
            has_certificate=facts.has_certificate,
            office_code=facts.office_code,
            facts=facts.to_json(),
            outcome=decision.outcome.value,
            rule=decision.rule_id,
            policy=decision.policy_id,
            version=decision.policy_version,
            policy_set=[{"policy": pid, "version": ver} for pid, ver in decision.policy_set],
            message_vi=decision.message_vi,
            message_en=decision.message_en,
            legal_basis_vi=decision.legal_basis_vi,
            legal_basis_en=decision.legal_basis_en,
            advice_vi=decision.advice_vi,
            advice_en=decision.advice_en,
            reference=reference[:100],
        ),
        field="policy_version",
        expression="v.id",
        source=_STORED_VERSION_SOURCE.format(
            table=fastsql.table(PolicyVersion),
            lock=" FOR KEY SHARE" if connection.vendor == "postgresql" else "",
        ),
        params=[decision.policy_id, decision.policy_version, decision.policy_sha256],
    ).then(partial(_recorded, decision))


def _recorded(decision: Decision, record: DecisionRecord | None) -> DecisionRecord:
    if record is None:
        # Decided under a content the database no longer holds (changed by another process since this
        # one cached the active versions): refuse to record it, and read the active versions again.
        forget_compiled_policies()
        raise PolicyStorageError(
            "POLICY_VERSION_NOT_STORED",
            f"Phiên bản chính sách {decision.policy_id} v{decision.policy_version} chưa được lưu: không thể ghi "
            "quyết định.",
            f"Policy {decision.policy_id} v{decision.policy_version} (as evaluated) is not stored: the decision "
            "cannot be recorded.",
        )
    return record


_STORED_VERSION_SOURCE = "FROM {table} v WHERE v.policy = %s AND v.version = %s AND v.sha256 = %s{lock}"


def decide_and_record(facts: Facts, *, reference: str = "") -> tuple[Decision, DecisionRecord]:
    decision = decide(facts)
    return decision, record_decision(facts, decision, reference=reference)


# --- what-if replay -------------------------------------------------------------------------------


def local_day_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """Aware datetimes: from 00:00 (Vietnam) of ``date_from`` to 00:00 of the day after ``date_to``."""
    start = datetime.combine(date_from, time(), tzinfo=VN_TZ) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=VN_TZ) if date_to else None
    return start, end


def stored_decisions(date_from: date | None = None, date_to: date | None = None) -> Iterator[PastDecision]:
    """The recorded decisions received in the period (Vietnam dates, both ends included)."""
    start, end = local_day_bounds(date_from, date_to)
    rows = DecisionRecord.objects.all()
    if start is not None:
        rows = rows.filter(received_at__gte=start)
    if end is not None:
        rows = rows.filter(received_at__lt=end)
    fields = ("pk", "facts", "outcome", "rule", "policy", "version")
    for pk, facts, outcome, rule, policy, version in (
        rows.order_by("received_at", "pk").values_list(*fields).iterator(chunk_size=5000)
    ):
        yield PastDecision(str(pk), Facts.from_json(facts), Outcome(outcome), rule, policy, version)


def replay_stored(draft: Policy | str, date_from: date | None, date_to: date | None) -> ReplayReport:
    """Re-decide the stored decisions of the period under the active policies with ``draft`` in place.

    ``draft`` is a loaded policy or the text of a policy file (validated against the catalogue); it
    replaces the active policy of the same id, or joins the set if its id is new. Nothing is written.
    """
    if isinstance(draft, str):
        draft = load_policy(draft, known_tags=known_tags(), source="draft")
    policy_set = active_policy_set().replacing(draft)
    return replay(stored_decisions(date_from, date_to), policy_set, date_from=date_from, date_to=date_to)


def forget_compiled_policies() -> None:
    _compiled.clear()
    _active_rows.clear()


__all__ = [
    "activate_version",
    "active_policy_set",
    "active_versions",
    "decide",
    "decide_and_record",
    "facts_for",
    "known_tags",
    "record_decision",
    "replay_stored",
    "store_policy",
    "stored_decisions",
    "sync_builtin_policies",
]
