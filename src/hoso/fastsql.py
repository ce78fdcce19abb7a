"""Plain SQL for the few statements every reception runs.

Measured on PostgreSQL (bench/intake.py, issue 5): building a query with the ORM costs ~0.5–0.6 ms of
CPU per statement, sending a prepared SQL string ~0.1 ms; a reception runs a dozen statements on a
2-core machine that must take 170 of them a second. These helpers keep the ORM's meaning — the same
columns, the same value preparation on the way in (``get_db_prep_save``) and the same converters on the
way out — without building a query each time. Everything else in the gateway uses the ORM.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

_lock = threading.Lock()
_inserts: dict[tuple[type, str], tuple[str, list, str]] = {}
_converters: dict[tuple[type, str], list[tuple[object, list]]] = {}


def quote(name: str) -> str:
    return _db().ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


_columns: dict[tuple[type, str, str], str] = {}


def columns(model: type[Model], alias: str) -> str:
    """The model's concrete columns, in field order, for ``SELECT``: what :func:`from_row` reads."""
    key = (model, alias, _db().vendor)
    found = _columns.get(key)
    if found is None:
        found = ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)
        with _lock:
            _columns[key] = found
    return found


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def moment(value):
    """A datetime as the database takes it in a raw statement (as the ORM would send it)."""
    return _db().ops.adapt_datetimefield_value(value)


def _converters_of(model: type[Model]) -> list[tuple[object, list]]:
    """(column expression, converters) of each concrete field, as the SQL compiler would apply them."""
    db = _db()
    key = (model, db.vendor)
    found = _converters.get(key)
    if found is None:
        found = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            found.append((column, db.ops.get_db_converters(column) + column.get_db_converters(db)))
        with _lock:
            _converters[key] = found
    return found


def from_row(model: type[Model], values: Sequence):
    """A model instance from the values of :func:`columns`, converted as the ORM converts them."""
    db = _db()
    converted = []
    for (column, converters), value in zip(_converters_of(model), values, strict=True):
        for converter in converters:
            value = converter(value, column, db)
        converted.append(value)
    return model.from_db(db.alias, [f.attname for f in model._meta.concrete_fields], converted)


_pipelines = threading.local()


def _in_pipeline() -> bool:
    return getattr(_pipelines, "open", False)


@contextmanager
def pipelined() -> Iterator[None]:
    """Inside, statements go to PostgreSQL without waiting for one another (psycopg's pipeline mode): the
    wait for answers happens when a row is read (:meth:`Sent.result`, :func:`fetch_one`) and, for whatever
    is still unanswered, on leaving; statements sent one after another thus share one round trip. Use it
    inside ``transaction.atomic()`` (outside, a pipeline makes one implicit transaction of everything up
    to its next wait). An error comes out, as Django's exception, of whichever call next collects
    answers: the read, a later statement's call, or the exit — not necessarily the call that sent the
    failing statement; the transaction is then rolled back as usual. Elsewhere (SQLite) nothing changes:
    each statement runs, and its row is read, when it is sent; a nested use is part of the outer one."""
    db = _db()
    if db.vendor != "postgresql" or _in_pipeline():
        yield
        return
    db.ensure_connection()
    _pipelines.open = True
    try:
        with db.wrap_database_errors, db.connection.pipeline():
            yield
    finally:
        _pipelines.open = False


def _db():
    """The default connection itself: ``django.db.connection`` is a proxy that looks the connection up
    again on every attribute (2 µs each, and a reception reads dozens)."""
    return connections[DEFAULT_DB_ALIAS]


def _cursor(db):
    """A cursor for one statement. The driver's own cursor, with what Django's cursor wrapper adds that
    matters (its error translation, ``wrap_database_errors``, is applied by the callers; the check for a
    transaction that must be rolled back, here): the wrapper costs 35 µs a statement. Where queries are
    logged (``DEBUG``, tests capturing queries) or wrapped (``execute_wrapper``), Django's own cursor,
    so that they still see every statement."""
    if db.queries_logged or db.execute_wrappers:
        return db.cursor()
    if db.connection is None or (db.health_check_enabled and not db.health_check_done):
        db.close_if_health_check_failed()
        db.ensure_connection()
    db.validate_no_broken_transaction()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        return db.create_cursor()


class Sent:
    """A statement handed to the database whose row is read only when asked for, inside
    :func:`pipelined` (elsewhere it was read when sent). The row (None when there is none) goes through
    each step given, in order; the last step's value is the result. A failure is kept: asking again
    raises it again."""

    __slots__ = ("_cursor", "_db", "_done", "_error", "_result", "_row", "_steps")

    def __init__(self, *, cursor=None, db=None, row: tuple | None = None) -> None:
        self._cursor, self._db, self._row, self._steps = cursor, db, row, []
        self._done, self._error = False, None

    @classmethod
    def answered(cls, result) -> Sent:
        sent = cls()
        sent._result, sent._done = result, True
        return sent

    def then(self, step: Callable) -> Sent:
        """Also pass the result through ``step`` (before it is read)."""
        if self._done:
            raise RuntimeError("the result has already been read")
        self._steps.append(step)
        return self

    def result(self):
        if self._error is not None:
            raise self._error
        if not self._done:
            try:
                if self._cursor is not None:
                    try:
                        with self._db.wrap_database_errors:
                            self._row = self._cursor.fetchone()
                    finally:
                        self._cursor.close()
                        self._cursor = None
                value = self._row
                for step in self._steps:
                    value = step(value)
            except Exception as error:
                self._error = error
                raise
            self._result, self._done = value, True
        return self._result


def send(sql: str, params: Sequence = ()) -> Sent:
    """Execute ``sql``, which returns at most one row: read by :meth:`Sent.result`."""
    db = _db()
    cursor = _cursor(db)
    if _in_pipeline():
        try:
            with db.wrap_database_errors:
                cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise
        return Sent(cursor=cursor, db=db)
    try:
        with db.wrap_database_errors:
            cursor.execute(sql, params)
            return Sent(row=cursor.fetchone())
    finally:
        cursor.close()


def fetch_one(sql: str, params: Sequence = ()) -> tuple | None:
    return send(sql, params).result()


def execute(sql: str, params: Sequence = ()) -> None:
    db = _db()
    cursor = _cursor(db)
    try:
        with db.wrap_database_errors:
            cursor.execute(sql, params)
    finally:
        cursor.close()


def fetch_all(sql: str, params: Sequence = ()) -> list[tuple]:
    db = _db()
    cursor = _cursor(db)
    try:
        with db.wrap_database_errors:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        cursor.close()


def _insert_statement(model: type[Model]) -> tuple[str, list, str]:
    """The ``INSERT`` of ``model``'s columns, the fields it writes, and the ``RETURNING`` clause that
    reads back a generated key ("" when the key is not generated or cannot be read back so)."""
    db = _db()
    key = (model, db.vendor)
    found = _inserts.get(key)
    if found is None:
        meta = model._meta
        generated = bool(getattr(meta.pk, "db_returning", False))
        fields = [f for f in meta.concrete_fields if not (generated and f is meta.pk)]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — names from the model, values bound
            table(model), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        returning = ""
        if generated and db.features.can_return_columns_from_insert:
            returning = f" RETURNING {quote(meta.pk.column)}"
        found = (sql, fields, returning)
        with _lock:
            _inserts[key] = found
    return found


def insert(instance: Model) -> Model:
    """``INSERT`` one new instance as ``Model.save(force_insert=True)`` would (defaults, ``pre_save``
    such as ``auto_now``, value preparation, the generated primary key), without signals: the models
    written this way have no save hooks or receivers (tests/test_fastsql.py checks it)."""
    return send_insert(instance).result()


def send_insert(instance: Model) -> Sent:
    """:func:`insert`, the generated key read only when the result is asked for (see :func:`pipelined`)."""
    sql, fields, returning = _insert_statement(type(instance))
    if returning:

        def finish(row):
            instance.pk = row[0]
            return _stored(instance)

        return send(sql + returning, _values(instance, fields)).then(finish)
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(sql, _values(instance, fields))
        if instance._meta.pk.db_returning:  # pragma: no cover — SQLite before 3.35
            instance.pk = db.ops.last_insert_id(cursor, instance._meta.db_table, instance._meta.pk.column)
    return Sent.answered(_stored(instance))


def insert_without_key(instance: Model) -> None:
    """:func:`insert` for a row whose generated key nobody needs: nothing is read back, so inside
    :func:`pipelined` the statement waits for nothing. The instance keeps no primary key."""
    sql, fields, _returning = _insert_statement(type(instance))
    execute(sql, _values(instance, fields))


def _values(instance: Model, fields: list) -> list:
    """The fields' values as ``Model.save`` sends them: a related object saved after it was assigned
    gives its key (an unsaved one is refused, as ``save`` refuses it), then ``pre_save`` (such as
    ``auto_now``) and preparation."""
    instance._prepare_related_fields_for_save(operation_name="insert")
    db = _db()
    return [f.get_db_prep_save(f.pre_save(instance, True), connection=db) for f in fields]


def _stored(instance: Model) -> Model:
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


_selecting: dict[tuple, tuple[str, list]] = {}


def send_insert_selecting(
    instance: Model, *, field: str, expression: str, source: str, params: Sequence = ()
) -> Sent:
    """``INSERT`` one new instance as :func:`insert` does, except that ``field`` (a concrete field's name)
    takes the SQL ``expression`` over ``source`` (``FROM … WHERE …``, with its own bound ``params``,
    which may lock the row it reads): one statement where a look-up and an insert would take two.
    Nothing is inserted, and the result is None, when ``source`` yields no row."""
    model = type(instance)
    meta = model._meta
    db = _db()
    if not db.features.can_return_columns_from_insert:  # pragma: no cover — SQLite ≥ 3.35, PostgreSQL
        raise NotImplementedError("send_insert_selecting needs INSERT … RETURNING")
    target = meta.get_field(field)
    key = (model, db.vendor, field, expression, source)
    found = _selecting.get(key)
    if found is None:
        fields = _insert_statement(model)[1]  # the columns insert() writes, in the same order
        values = ", ".join(expression if f is target else "%s" for f in fields)
        sql = "INSERT INTO {} ({}) SELECT {} {} RETURNING {}, {}".format(  # noqa: S608 — values bound
            table(model), ", ".join(quote(f.column) for f in fields), values, source,
            quote(meta.pk.column), quote(target.column),
        )  # fmt: skip
        found = (sql, [f for f in fields if f is not target])
        with _lock:
            _selecting[key] = found
    sql, bound = found

    def finish(row):
        if row is None:
            return None
        instance.pk = row[0]
        setattr(instance, target.attname, row[1])
        return _stored(instance)

    return send(sql, [*_values(instance, bound), *params]).then(finish)
