"""One import: read the file, check every row, compare with what is stored, and — unless it is a dry
run or any row is wrong — write the whole file in one transaction (all or nothing). Re-importing the
same file finds every row unchanged and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from hoso.reference.importing.cells import Lookups
from hoso.reference.importing.columns import Column, match_headers
from hoso.reference.importing.problems import CellProblem, RowProblem, at, file_problem
from hoso.reference.importing.tables import TableError, read_table

CHUNK = 900  # values per IN (…) look-up: under SQLite's limit on a statement's parameters


@dataclass(frozen=True)
class Kind:
    """What one kind of file imports: its columns, its key and how the stored rows are read and written."""

    name: str
    label_vi: str
    label_en: str
    columns: tuple[Column, ...]
    key: str
    #: the stored values of the rows with these (folded) keys: folded key → {field: value}
    existing: Callable[[list], dict]
    #: writes new rows and changed rows (inside the import's transaction)
    write: Callable[[list[dict], list[tuple[dict, dict]], list[str]], None]
    lookups: Callable[[], Lookups] = Lookups
    #: the form in which two keys are the same (user names ignore case)
    fold_key: Callable[[object], object] = lambda key: key  # noqa: E731

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


@dataclass(frozen=True)
class RowChange:
    line: int
    key: str
    #: "create", "update" or "unchanged"
    action: str
    #: the fields an update changes
    fields: tuple[str, ...] = ()


@dataclass
class ImportReport:
    kind: Kind
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    def _count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.line for p in self.problems if p.line is not None})

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "problems": len(self.problems)}  # fmt: skip


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def run_import(kind: Kind, data: bytes, file_name: str = "", *, dry_run: bool = False) -> ImportReport:
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        table = read_table(data, file_name)
    except TableError as error:
        report.problems.append(file_problem(error.code, error.message_vi, error.message_en, "", ""))
        return report
    report.rows = len(table.rows)
    headers = match_headers(table.headers, kind.columns)
    report.ignored_columns = headers.ignored
    for column in headers.missing:
        report.problems.append(_missing_column(column))
    for header, first in headers.repeated:
        report.problems.append(_repeated_column(header, table.headers[first]))
    if report.problems:
        return report
    lookups = kind.lookups()
    records = _check_rows(kind, table, headers.positions, lookups, report)
    if report.problems or dry_run:
        report.changes, _stored = _compare(kind, records)
        return report
    with transaction.atomic():  # all or nothing; compared again inside, with what is stored now
        report.changes, stored = _compare(kind, records)
        by_line = dict(records)
        creates, updates = [], []
        for change in report.changes:
            record = by_line[change.line]
            if change.action == "create":
                creates.append(record)
            elif change.action == "update":
                updates.append((record, stored[kind.fold_key(record[kind.key])]))
        if creates or updates:
            kind.write(creates, updates, [f for f in headers.positions if f != kind.key])
        report.written = True
    return report


def _check_rows(kind, table, positions, lookups, report) -> list[tuple[int, dict]]:
    records: list[tuple[int, dict]] = []
    seen: dict[object, int] = {}
    key_column = kind.column(kind.key)
    for line, cells in table.rows:
        record: dict = {}
        bad = False
        for field_name, index in positions.items():
            column = kind.column(field_name)
            text = cells[index] if index < len(cells) else ""
            if not text:
                if column.required:
                    report.problems.append(_empty(line, table.headers[index], column))
                    bad = True
                record[field_name] = column.empty
                continue
            try:
                record[field_name] = column.parse(text, lookups)
            except CellProblem as error:
                report.problems.append(at(line, table.headers[index], text, error, code_column=column.code))
                bad = True
        if kind.key in record and record[kind.key] != key_column.empty:
            folded = kind.fold_key(record[kind.key])
            if folded in seen:
                index = positions[kind.key]
                report.problems.append(_duplicate(line, table.headers[index], cells[index], seen[folded]))
                bad = True
            else:
                seen[folded] = line
        if not bad:
            records.append((line, record))
    return records


def _compare(kind: Kind, records: list[tuple[int, dict]]) -> tuple[list[RowChange], dict]:
    stored = kind.existing([kind.fold_key(record[kind.key]) for _line, record in records])
    changes = []
    for line, record in records:
        old = stored.get(kind.fold_key(record[kind.key]))
        key = str(record[kind.key])
        if old is None:
            changes.append(RowChange(line, key, "create"))
            continue
        changed = tuple(f for f, value in record.items() if f != kind.key and old.get(f) != value)
        changes.append(RowChange(line, key, "update" if changed else "unchanged", changed))
    return changes, stored


def keyed(rows: Iterable[dict], key: str, fold: Callable = lambda k: k) -> dict:
    return {fold(row[key]): row for row in rows}


def _missing_column(column: Column) -> RowProblem:
    names = ", ".join(f"«{h}»" for h in column.headers[:3])
    return file_problem(
        "IMPORT_COLUMN_MISSING",
        f"Thiếu cột «{column.label_vi}».",
        f"The column '{column.label_en}' is missing.",
        f"Thêm cột này vào dòng tiêu đề (dòng đầu tiên), đặt tên là một trong: {names}.",
        f"Add the column to the header row (the first row), named one of: {names}.",
    )


def _repeated_column(header: str, first: str) -> RowProblem:
    return file_problem(
        "IMPORT_COLUMN_REPEATED",
        f"Cột «{header}» trùng với cột «{first}» (cùng một thông tin).",
        f"The column '{header}' repeats the column '{first}' (the same information).",
        "Giữ lại một cột, xoá cột kia.",
        "Keep one of the two columns and delete the other.",
    )


def _empty(line: int, header: str, column: Column) -> RowProblem:
    return RowProblem(
        line,
        header,
        "",
        "IMPORT_REQUIRED",
        f"Ô «{column.label_vi}» bị bỏ trống.",
        f"The cell '{column.label_en}' is empty.",
        "Điền ô này; một dòng không có dữ liệu nào thì xoá hẳn dòng đó.",
        "Fill the cell in; delete a row that holds no data at all.",
    )


def _duplicate(line: int, header: str, value: str, first: int) -> RowProblem:
    return RowProblem(
        line,
        header,
        value,
        "IMPORT_DUPLICATE",
        f"Trùng với dòng {first} của tệp.",
        f"The same as row {first} of the file.",
        "Giữ một dòng cho mỗi mã: xoá dòng trùng hoặc sửa mã cho đúng.",
        "Keep one row per code: delete the repeated row or correct its code.",
    )
