"""Reading and writing one model's rows by the thousand: look-ups by key in chunks, inserts in batches,
changed rows as one upsert per batch (INSERT … ON CONFLICT DO UPDATE, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from hoso.reference.importing.cells import Lookups
from hoso.reference.importing.engine import Kind, chunks

BATCH = 2000


def stored_rows(model, key: str, fields: tuple[str, ...]) -> Callable[[list], dict]:
    """The stored values of ``fields`` of the rows whose ``key`` is among the keys given."""

    def existing(keys: list) -> dict:
        found = {}
        for part in chunks(keys):
            rows = model.objects.filter(**{f"{key}__in": part}).values(*fields)
            found.update((row[key], row) for row in rows)
        return found

    return existing


def bulk_writer(model, key: str) -> Callable[[list[dict], list[tuple[dict, dict]], list[str]], None]:
    """New rows inserted; changed rows upserted with the file's columns only — the others keep their
    stored values (e.g. whether a unit is active)."""

    def write(creates: list[dict], updates: list[tuple[dict, dict]], fields: list[str]) -> None:
        model.objects.bulk_create([model(**record) for record in creates], batch_size=BATCH)
        if updates:
            model.objects.bulk_create(
                [model(**{**old, **new}) for new, old in updates],
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=[key],
                update_fields=fields,
            )

    return write


def model_kind(model, key: str, **kind) -> Kind:
    """The import of one model's rows matched by ``key`` (its columns are the model's fields of the same
    names): look-ups in chunks, bulk writes."""
    stored = tuple(column.field for column in kind["columns"])
    return Kind(key=key, existing=stored_rows(model, key, stored), write=bulk_writer(model, key),
                lookups=Lookups.load, **kind)  # fmt: skip
