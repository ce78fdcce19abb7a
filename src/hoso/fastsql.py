"""Plain SQL for the few statements every reception runs.

Measured on PostgreSQL (bench/intake.py, issue 5): building a query with the ORM costs ~0.5–0.6 ms of
CPU per statement, sending a prepared SQL string ~0.1 ms; a reception runs a dozen statements on a
2-core machine that must take 170 of them a second. These helpers keep the ORM's meaning — the same
columns, the same value preparation on the way in (``get_db_prep_save``) and the same converters on the
way out — without building a query each time. Everything else in the gateway uses the ORM.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

_lock = threading.Lock()
_inserts: dict[tuple[type, str], tuple[str, list, bool]] = {}
_converters: dict[tuple[type, str], list[tuple[object, list]]] = {}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


_columns: dict[tuple[type, str, str], str] = {}


def columns(model: type[Model], alias: str) -> str:
    """The model's concrete columns, in field order, for ``SELECT``: what :func:`from_row` reads."""
    key = (model, alias, connection.vendor)
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
    return connection.ops.adapt_datetimefield_value(value)


def _converters_of(model: type[Model]) -> list[tuple[object, list]]:
    """(column expression, converters) of each concrete field, as the SQL compiler would apply them."""
    key = (model, connection.vendor)
    found = _converters.get(key)
    if found is None:
        found = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            found.append(
                (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
            )
        with _lock:
            _converters[key] = found
    return found


def from_row(model: type[Model], values: Sequence):
    """A model instance from the values of :func:`columns`, converted as the ORM converts them."""
    fields = model._meta.concrete_fields
    converted = []
    for (column, converters), value in zip(_converters_of(model), values, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def fetch_one(sql: str, params: Sequence = ()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params: Sequence = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch_all(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _insert_statement(model: type[Model]) -> tuple[str, list, bool]:
    key = (model, connection.vendor)
    found = _inserts.get(key)
    if found is None:
        meta = model._meta
        returning = bool(getattr(meta.pk, "db_returning", False))
        fields = [f for f in meta.concrete_fields if not (returning and f is meta.pk)]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — names from the model, values bound
            table(model), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        if returning and connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(meta.pk.column)}"
        found = (sql, fields, returning)
        with _lock:
            _inserts[key] = found
    return found


def insert(instance: Model) -> Model:
    """``INSERT`` one new instance as ``Model.save(force_insert=True)`` would (defaults, ``pre_save``
    such as ``auto_now``, value preparation, the generated primary key), without signals: the models
    written this way have no save hooks or receivers (tests/test_fastsql.py checks it)."""
    sql, fields, returning = _insert_statement(type(instance))
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(instance, fields))
        if returning:
            if connection.features.can_return_columns_from_insert:
                pk = cursor.fetchone()[0]
            else:
                pk = connection.ops.last_insert_id(cursor, instance._meta.db_table, instance._meta.pk.column)
            instance.pk = pk
    return _stored(instance)


def _values(instance: Model, fields: list) -> list:
    """The fields' values as ``Model.save`` sends them (``pre_save`` such as ``auto_now``, then preparation)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection=connection) for f in fields]


def _stored(instance: Model) -> Model:
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


_selecting: dict[tuple, tuple[str, list]] = {}


def insert_selecting(
    instance: Model, *, field: str, expression: str, source: str, params: Sequence = ()
) -> Model | None:
    """``INSERT`` one new instance as :func:`insert` does, except that ``field`` (a concrete field's name)
    takes the SQL ``expression`` over ``source`` (``FROM … WHERE …``, with its own bound ``params``,
    which may lock the row it reads): one statement where a look-up and an insert would take two.
    Nothing is inserted, and None is returned, when ``source`` yields no row."""
    model = type(instance)
    meta = model._meta
    if not connection.features.can_return_columns_from_insert:  # pragma: no cover — SQLite ≥ 3.35, PostgreSQL
        raise NotImplementedError("insert_selecting needs INSERT … RETURNING")
    target = meta.get_field(field)
    key = (model, connection.vendor, field, expression, source)
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
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_values(instance, bound), *params])
        row = cursor.fetchone()
    if row is None:
        return None
    instance.pk = row[0]
    setattr(instance, target.attname, row[1])
    return _stored(instance)
