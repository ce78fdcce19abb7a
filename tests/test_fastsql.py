# ruff: noqa: S608 — table and column names come from the models; values are bound
"""hoso.fastsql writes and reads rows exactly as the ORM does, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import signals
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from hoso import fastsql
from hoso.api.models import IvanKey
from hoso.intake.models import Submission
from hoso.policies.models import Decision
from hoso.reference.models import IvanProvider, Office, Procedure, Unit
from hoso.workflow.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db

#: The models the reception writes with fastsql's inserts: no signal receivers, and no save() of their own
#: that would do more than refuse an update (Decision is immutable evidence).
INSERTED = (Decision, Dossier, DossierEvent, Submission)


@pytest.mark.parametrize("model", INSERTED, ids=lambda m: m.__name__)
def test_models_written_without_save_have_no_hooks(model):
    for signal in (signals.pre_save, signals.post_save):
        assert not signal.has_listeners(model), f"{model.__name__} has a {signal} receiver fastsql would skip"
    own_save = model.__dict__.get("save")
    assert own_save is None or model is Decision, (
        f"{model.__name__}.save() would be skipped by fastsql.insert"
    )


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


@hsettings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reasons=st.lists(st.dictionaries(text, text, max_size=3), max_size=3),
    facts=st.dictionaries(text, json_values, max_size=5),
    receipt=st.binary(max_size=200),
    seconds=st.integers(0, 10**9),
    micro=st.integers(0, 999_999),
)
def test_an_inserted_row_reads_back_as_the_orm_wrote_it(
    reference_data, reasons, facts, receipt, seconds, micro
):
    at = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
    submission = Submission(
        public_id=uuid.uuid4(),
        channel="electronic",
        received_at=at,
        sha256="a" * 64,
        size=len(receipt),
        content_type="application/xml",
        outcome=Submission.Outcome.REFUSED,
        reasons=reasons,
        facts=facts,
        receipt_xml=receipt,
        receipt_sha256="b" * 64,
    )
    fastsql.insert(submission)
    assert submission.pk is not None and not submission._state.adding
    stored = Submission.objects.get(pk=submission.pk)
    mine, orm = _fields(submission), _fields(stored)
    mine["receipt_xml"], orm["receipt_xml"] = bytes(mine["receipt_xml"]), bytes(orm["receipt_xml"])
    assert mine == orm


def test_from_row_converts_like_the_orm(reference_data):
    """Booleans, dates and times come back typed on SQLite too (where they are stored as text/ints)."""
    ivan = IvanProvider.objects.first()
    key, _ = IvanKey.issue(ivan, label="fastsql")
    IvanKey.objects.filter(pk=key.pk).update(revoked_at=datetime(2016, 2, 3, 4, 5, 6, 789, tzinfo=UTC))
    row = fastsql.fetch_one(
        f"SELECT {fastsql.columns(IvanKey, 'k')}, {fastsql.columns(IvanProvider, 'i')} "
        f"FROM {fastsql.table(IvanKey)} k JOIN {fastsql.table(IvanProvider)} i ON i.code = k.ivan_id "
        "WHERE k.id = %s",
        [key.pk],
    )
    n = fastsql.width(IvanKey)
    raw_key, raw_ivan = fastsql.from_row(IvanKey, row[:n]), fastsql.from_row(IvanProvider, row[n:])
    assert _fields(raw_key) == _fields(IvanKey.objects.get(pk=key.pk))
    assert _fields(raw_ivan) == _fields(ivan)
    assert raw_ivan.active is True and raw_key.revoked_at == datetime(2016, 2, 3, 4, 5, 6, 789, tzinfo=UTC)


def test_unit_and_office_rows(demo_data):
    unit = Unit.objects.select_related("office").first()
    row = fastsql.fetch_one(
        f"SELECT {fastsql.columns(Unit, 'u')}, {fastsql.columns(Office, 'o')} FROM {fastsql.table(Unit)} u "
        f"JOIN {fastsql.table(Office)} o ON o.code = u.office_id WHERE u.code = %s",
        [unit.code],
    )
    n = fastsql.width(Unit)
    assert _fields(fastsql.from_row(Unit, row[:n])) == _fields(unit)
    assert _fields(fastsql.from_row(Office, row[n:])) == _fields(unit.office)


def test_moment_compares_like_the_orm(reference_data):
    """A datetime bound with fastsql.moment finds the same rows as the ORM's filter on that column."""
    base = datetime(2016, 1, 5, 2, 0, 0, tzinfo=UTC)
    ids = []
    for offset in (-1, 0, 1):
        s = Submission(
            public_id=uuid.uuid4(),
            channel="barcode",
            received_at=base + timedelta(microseconds=offset * 500_000),
            sha256="c" * 64,
            size=0,
            outcome=Submission.Outcome.REFUSED,
            receipt_xml=b"",
        )
        ids.append(fastsql.insert(s).pk)
    found = {
        r[0]
        for r in fastsql.fetch_all(
            f"SELECT id FROM {fastsql.table(Submission)} WHERE received_at <= %s AND sha256 = %s",
            [fastsql.moment(base), "c" * 64],
        )
    }
    assert found == set(
        Submission.objects.filter(received_at__lte=base, sha256="c" * 64).values_list("pk", flat=True)
    )
    assert found == set(ids[:2])


def test_an_insert_selecting_takes_one_field_from_the_row_it_selects(reference_data):
    """A new unit's office is read and written in one statement; a source with no row inserts nothing."""
    office = Office.objects.get(code="00105")

    def insert_unit(code: str, office_code: str):
        return fastsql.send_insert_selecting(
            Unit(code=code, tax_code="0109999999", name="Công ty Thử", office_id="00000"),
            field="office",
            expression="o.code",
            source=f"FROM {fastsql.table(Office)} o WHERE o.code = %s",
            params=[office_code],
        ).result()

    unit = insert_unit("HB09999", "00105")
    assert unit is not None and unit.office_id == "00105" and not unit._state.adding
    assert _fields(Unit.objects.get(code="HB09999")) == _fields(unit) and unit.office == office

    assert insert_unit("HB09998", "99999") is None
    assert not Unit.objects.filter(code="HB09998").exists()


def _submission(**fields) -> Submission:
    return Submission(
        public_id=uuid.uuid4(),
        channel="electronic",
        received_at=datetime(2016, 1, 5, 2, tzinfo=UTC),
        sha256="d" * 64,
        size=0,
        outcome=Submission.Outcome.REFUSED,
        receipt_xml=b"",
        **fields,
    )


def test_a_related_object_saved_after_it_was_assigned_gives_its_key_and_an_unsaved_one_is_refused(
    reference_data,
):
    """As Model.save does: the reception assigns the dossier to its submission before the dossier is
    written (the receipt is signed first)."""
    procedure = Procedure.objects.select_related("department").first()
    dossier = Dossier(
        number="00001/2016/00105",
        office=Office.objects.get(code="00105"),
        procedure=procedure,
        department=procedure.department,
        year=2016,
        sequence=1,
        channel="electronic",
    )
    submission = _submission(dossier=dossier, repeat_key="related")
    with pytest.raises(ValueError, match="unsaved related object 'dossier'"):
        fastsql.insert(submission)
    dossier.received_at = dossier.status_changed_at = submission.received_at
    dossier.due_date = submission.received_at.date()
    fastsql.insert(dossier)
    fastsql.insert(submission)
    assert Submission.objects.get(pk=submission.pk).dossier_id == dossier.pk


def test_insert_without_key_writes_the_row_and_reads_nothing_back(reference_data):
    submission = _submission(repeat_key="keyless", reasons=[{"code": "X"}])
    assert fastsql.insert_without_key(submission) is None
    assert submission.pk is None
    stored = Submission.objects.get(repeat_key="keyless")
    assert stored.public_id == submission.public_id and stored.reasons == [{"code": "X"}]


def test_a_sent_statement_gives_its_row_through_its_steps_once(reference_data):
    steps = []
    sent = fastsql.send(f"SELECT code FROM {fastsql.table(Office)} WHERE code = %s", ["00105"])
    sent.then(lambda row: steps.append(row) or row[0]).then(lambda code: code + "!")
    assert sent.result() == "00105!" and sent.result() == "00105!"
    assert steps == [("00105",)]
    with pytest.raises(RuntimeError):
        sent.then(str)
    seen = []
    failing = fastsql.send(f"SELECT code FROM {fastsql.table(Office)} WHERE code = %s", ["00105"])
    failing.then(lambda row: seen.append(row) or 1 / 0)
    for _ in range(2):  # asked again, the failure is raised again: the steps never see a made-up row
        with pytest.raises(ZeroDivisionError):
            failing.result()
    assert seen == [("00105",)]
    assert (
        fastsql.send(f"SELECT code FROM {fastsql.table(Office)} WHERE code = %s", ["none"]).result() is None
    )


def test_pipelined_statements_are_answered_and_an_error_undoes_the_whole_transaction(reference_data):
    """Inside fastsql.pipelined (PostgreSQL: one pipeline; SQLite: statement by statement) every result
    arrives, and a constraint broken by a statement nobody waited for still fails the transaction with
    Django's IntegrityError, undoing what came before it."""
    from django.db import IntegrityError, connection, transaction

    with transaction.atomic(), fastsql.pipelined():
        if connection.vendor == "postgresql":
            from psycopg.pq import PipelineStatus

            assert connection.connection.pgconn.pipeline_status == PipelineStatus.ON
        first = fastsql.send_insert(_submission(repeat_key="p-1"))
        fastsql.insert_without_key(_submission(repeat_key="p-2"))
        count = fastsql.send(
            f"SELECT count(*) FROM {fastsql.table(Submission)} WHERE repeat_key LIKE %s", ["p-%"]
        )
        assert count.result() == (2,)
    assert first.result().pk == Submission.objects.get(repeat_key="p-1").pk

    with pytest.raises(IntegrityError), transaction.atomic(), fastsql.pipelined():
        fastsql.insert_without_key(_submission(repeat_key="p-3"))
        fastsql.insert_without_key(_submission(repeat_key="p-1"))  # taken
    assert not Submission.objects.filter(repeat_key="p-3").exists()
    assert Submission.objects.filter(repeat_key__startswith="p-").count() == 2


def test_statements_outside_a_pipeline_fail_as_django_errors_and_respect_a_broken_transaction(reference_data):
    """fastsql runs statements on the driver's cursor: errors still come out as Django's, and after a
    failed statement inside atomic() nothing more runs until the transaction is rolled back, as with
    Django's own cursor."""
    from django.db import DatabaseError, IntegrityError, transaction
    from django.db.transaction import TransactionManagementError

    fastsql.insert_without_key(_submission(repeat_key="d-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        fastsql.insert_without_key(_submission(repeat_key="d-1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        fastsql.fetch_one("SELECT no_such_column FROM " + fastsql.table(Office))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            fastsql.insert(_submission(repeat_key="d-1"))
        with pytest.raises(TransactionManagementError):
            fastsql.fetch_one("SELECT 1")
    assert fastsql.fetch_one("SELECT 1") == (1,)


def test_logged_and_wrapped_queries_see_every_statement(reference_data):
    """Where queries are logged (DEBUG, a test capturing them) or wrapped (execute_wrapper), fastsql goes
    through Django's cursor, so they miss nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fastsql.fetch_one(f"SELECT code FROM {fastsql.table(Office)} WHERE code = %s", ["00105"])
        fastsql.insert(_submission(repeat_key="logged"))
    assert len(captured) == 2 and "INSERT INTO" in captured[1]["sql"]
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fastsql.execute(f"SELECT 1 FROM {fastsql.table(Office)}")
        fastsql.fetch_all(f"SELECT code FROM {fastsql.table(Office)}")
    assert len(seen) == 2
