"""Reading and writing one model's rows by the thousand: look-ups by key in chunks, inserts in batches,
changed rows as one upsert per batch (INSERT … ON CONFLICT DO UPDATE, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from hoso.reference.importing.engine import chunks

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
