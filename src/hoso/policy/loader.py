"""The policy file format (TOML) and its loader/validator (pure).

Every problem is reported as a :class:`~hoso.policy.errors.LoadIssue` with the line it is on, and all
problems of a file are raised together as one :class:`~hoso.policy.errors.PolicyLoadError`. The loader
never raises anything else, whatever the input. The format is described in ``docs/policies.md``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Collection, Mapping
from datetime import date, datetime
from itertools import combinations
from typing import Any

from hoso.policy.errors import LoadIssue, PolicyLoadError
from hoso.policy.facts import VN_TZ, Channel, Outcome, SubmitterKind
from hoso.policy.model import Policy, Rule, end_bound, start_bound
from hoso.policy.parameters import SPECS, Parameter

MAX_POLICY_BYTES = 1_000_000

TOP_KEYS = frozenset({"policy", "rules", "parameters"})
PARAMETER_KEYS = frozenset(
    {"name", "value", "valid_from", "valid_until", "legal_basis_vi", "legal_basis_en", "note"}
)
POLICY_KEYS = frozenset(
    {
        "id",
        "version",
        "precedence",
        "title_vi",
        "title_en",
        "legal_basis_vi",
        "legal_basis_en",
        "issued",
        "offices",
        "valid_from",
        "valid_until",
        "description_vi",
        "description_en",
    }
)
RULE_KEYS = frozenset(
    {
        "id",
        "effect",
        "precedence",
        "message_vi",
        "message_en",
        "advice_vi",
        "advice_en",
        "legal_basis_vi",
        "legal_basis_en",
        "channels",
        "submitters",
        "certificate",
        "offices",
        "procedures",
        "tags_all",
        "tags_any",
        "tags_none",
        "valid_from",
        "valid_until",
        "note",
    }
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
OFFICE_RE = re.compile(r"^[0-9]{3}(?:[0-9]{2})?$")
PROCEDURE_RE = re.compile(r"^[0-9A-Za-z._-]{1,20}$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

Path = tuple[str | int, ...]


# --- line numbers ---------------------------------------------------------------------------------

_BARE_OR_QUOTED = r"(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_KEY_RE = re.compile(rf"^\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=(.*)$")
_HEADER_RE = re.compile(
    rf"^\s*(\[\[|\[)\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*\]\]?\s*(?:#.*)?$"
)
_PART_RE = re.compile(_BARE_OR_QUOTED)
_STRING_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PART_RE.findall(dotted))


def _bracket_delta(fragment: str) -> int:
    code = _STRING_RE.sub("", fragment).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


class LineMap:
    """Where each table and key of a (valid) TOML text is, by path: ``("rules", 2, "channels")``."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        arrays: dict[tuple[str, ...], int] = {}
        current: Path = ()
        closing: str | None = None  # delimiter of an open multi-line string
        depth = 0  # open brackets of a multi-line array or inline table
        for lineno, line in enumerate(text.splitlines(), 1):
            if closing is not None:
                if line.count(closing) % 2 == 1:
                    closing = None
                continue
            if depth > 0:
                depth = max(0, depth + _bracket_delta(line))
                continue
            header = _HEADER_RE.match(line)
            if header:
                keys = _key_parts(header.group(2))
                path = self._resolve(keys[:-1], arrays) + (keys[-1],)
                if header.group(1) == "[[":
                    plain = tuple(str(p) for p in path if isinstance(p, str))
                    index = arrays.get(plain, 0)
                    arrays[plain] = index + 1
                    path = path + (index,)
                current = path
                self.lines.setdefault(current, lineno)
                continue
            key = _KEY_RE.match(line)
            if key:
                self.lines.setdefault(current + _key_parts(key.group(1)), lineno)
                rest = key.group(2).strip()
                for delimiter in ('"""', "'''"):
                    if rest.startswith(delimiter) and rest.count(delimiter) == 1:
                        closing = delimiter
                        break
                else:
                    depth = max(0, _bracket_delta(rest))

    @staticmethod
    def _resolve(keys: tuple[str, ...], arrays: Mapping[tuple[str, ...], int]) -> Path:
        path: list[str | int] = []
        plain: list[str] = []
        for key in keys:
            path.append(key)
            plain.append(key)
            if tuple(plain) in arrays:
                path.append(arrays[tuple(plain)] - 1)
        return tuple(path)

    def line_of(self, *path: str | int) -> int:
        """The line of ``path``, or of its nearest enclosing table that has one; 1 at worst."""
        probe: Path = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return 1


# --- validation -----------------------------------------------------------------------------------


class _Checker:
    def __init__(self, lines: LineMap) -> None:
        self.lines = lines
        self.issues: list[LoadIssue] = []

    def add(self, path: Path, code: str, message_vi: str, message_en: str) -> None:
        self.issues.append(LoadIssue(self.lines.line_of(*path), code, message_vi, message_en))

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: Collection[str], path: Path, where: str
    ) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    path + (key,),
                    "POLICY_UNKNOWN_FIELD",
                    f"Trường không được hỗ trợ “{key}” trong {where}.",
                    f"Unknown field “{key}” in {where}.",
                )

    def text(self, table: Mapping[str, Any], key: str, path: Path, *, required: bool) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add(
                    path,
                    "POLICY_MISSING_FIELD",
                    f"Thiếu trường bắt buộc “{key}”.",
                    f"Missing required field “{key}”.",
                )
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"Trường “{key}” phải là một chuỗi không rỗng.",
                f"Field “{key}” must be a non-empty string.",
            )
            return ""
        return value.strip()

    def integer(
        self, table: Mapping[str, Any], key: str, path: Path, *, default: int | None, low: int, high: int
    ) -> int:
        value = table.get(key)
        if value is None:
            if default is None:
                self.add(
                    path,
                    "POLICY_MISSING_FIELD",
                    f"Thiếu trường bắt buộc “{key}”.",
                    f"Missing required field “{key}”.",
                )
                return low
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"Trường “{key}” phải là số nguyên từ {low} đến {high}.",
                f"Field “{key}” must be an integer from {low} to {high}.",
            )
            return low
        return value

    def identifier(self, table: Mapping[str, Any], key: str, path: Path) -> str:
        value = self.text(table, key, path, required=True)
        if value and not ID_RE.match(value):
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"“{key}” chỉ gồm chữ thường, chữ số và dấu gạch ngang (tối đa 64 ký tự).",
                f"“{key}” must be lower-case letters, digits and hyphens (at most 64 characters).",
            )
        return value

    def moment(self, table: Mapping[str, Any], key: str, path: Path) -> date | datetime | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value.astimezone(VN_TZ).replace(tzinfo=None)
            return value
        if isinstance(value, date):
            return value
        self.add(
            path + (key,),
            "POLICY_BAD_DATE",
            f"“{key}” phải là một ngày (YYYY-MM-DD) hoặc ngày giờ, không đặt trong ngoặc kép.",
            f"“{key}” must be a TOML date (YYYY-MM-DD) or date-time, unquoted.",
        )
        return None

    def period(
        self, table: Mapping[str, Any], path: Path
    ) -> tuple[date | datetime | None, date | datetime | None]:
        start = self.moment(table, "valid_from", path)
        until = self.moment(table, "valid_until", path)
        begin, end = start_bound(start), end_bound(until)
        if begin is not None and end is not None and end <= begin:
            self.add(
                path + ("valid_until",),
                "POLICY_DATES_OUT_OF_ORDER",
                f"Ngày kết thúc “valid_until” ({until}) đứng trước ngày bắt đầu “valid_from” ({start}).",
                f"“valid_until” ({until}) is before “valid_from” ({start}).",
            )
        return start, until

    def string_set(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Path,
        pattern: re.Pattern[str],
        what_vi: str,
        what_en: str,
    ) -> frozenset[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"“{key}” phải là danh sách {what_vi} không rỗng.",
                f"“{key}” must be a non-empty list of {what_en}.",
            )
            return None
        bad = [v for v in value if not pattern.match(v)]
        if bad:
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"“{key}”: giá trị không hợp lệ {', '.join(map(repr, bad[:5]))} (cần {what_vi}).",
                f"“{key}”: invalid value {', '.join(map(repr, bad[:5]))} (expected {what_en}).",
            )
        return frozenset(value)

    def enum_set(self, table: Mapping[str, Any], key: str, path: Path, enum: type) -> frozenset[Any] | None:
        allowed = [member.value for member in enum]
        value = table.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v in allowed for v in value)
        ):
            self.add(
                path + (key,),
                "POLICY_BAD_VALUE",
                f"“{key}” phải là danh sách không rỗng gồm các giá trị {', '.join(allowed)}.",
                f"“{key}” must be a non-empty list of {', '.join(allowed)}.",
            )
            return None
        return frozenset(enum(v) for v in value)

    def tags(
        self, table: Mapping[str, Any], key: str, path: Path, known: Collection[str] | None
    ) -> frozenset[str]:
        tags = self.string_set(table, key, path, TAG_RE, "nhãn thủ tục", "procedure tags")
        if tags is None:
            return frozenset()
        if known is not None:
            unknown = sorted(tags - set(known))
            if unknown:
                self.add(
                    path + (key,),
                    "POLICY_UNKNOWN_TAG",
                    f"Nhãn thủ tục không có trong danh mục: {', '.join(unknown)}.",
                    f"Procedure tag not in the catalogue: {', '.join(unknown)}.",
                )
        return tags


def _syntax_line(error: Exception) -> int:
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int) and lineno > 0:
        return lineno
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else 1


def load_policy(content: str | bytes, *, known_tags: Collection[str] | None, source: str = "") -> Policy:
    """Parse and validate one policy file.

    ``known_tags`` is the set of procedure tags of the catalogue (a tag outside it is a load error);
    pass ``None`` only to skip that check deliberately (e.g. a syntax lint with no catalogue at hand).
    Raises :class:`PolicyLoadError` listing every problem with its line; never anything else.
    """
    if isinstance(content, bytes | bytearray):
        if len(content) > MAX_POLICY_BYTES:
            raise PolicyLoadError([_too_large()], source)
        try:
            text = bytes(content).decode("utf-8")
        except UnicodeDecodeError as exc:
            line = bytes(content)[: exc.start].count(b"\n") + 1
            raise PolicyLoadError(
                [
                    LoadIssue(
                        line,
                        "POLICY_ENCODING",
                        "Tệp chính sách phải mã hóa UTF-8.",
                        "A policy file must be UTF-8.",
                    )
                ],
                source,
            ) from None
    elif isinstance(content, str):
        text = content
        if len(text) > MAX_POLICY_BYTES:
            raise PolicyLoadError([_too_large()], source)
    else:
        raise PolicyLoadError(
            [
                LoadIssue(
                    1,
                    "POLICY_ENCODING",
                    "Nội dung chính sách phải là văn bản.",
                    "Policy content must be text.",
                )
            ],
            source,
        )
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except Exception as exc:  # TOMLDecodeError, and RecursionError on absurd nesting
        detail = str(exc) if isinstance(exc, tomllib.TOMLDecodeError) else type(exc).__name__
        raise PolicyLoadError(
            [
                LoadIssue(
                    _syntax_line(exc),
                    "POLICY_SYNTAX",
                    f"Lỗi cú pháp TOML: {detail}",
                    f"TOML syntax error: {detail}",
                )
            ],
            source,
        ) from None
    try:
        lines = LineMap(text)
    except Exception:  # pragma: no cover - the scanner is heuristic; never let it crash a load
        lines = LineMap("")
    checker = _Checker(lines)
    policy = _build(data, text, checker, known_tags, source)
    if checker.issues or policy is None:
        raise PolicyLoadError(checker.issues or [_empty()], source)
    return policy


def _too_large() -> LoadIssue:
    return LoadIssue(
        1,
        "POLICY_TOO_LARGE",
        f"Tệp chính sách vượt quá {MAX_POLICY_BYTES} byte.",
        f"The policy file is larger than {MAX_POLICY_BYTES} bytes.",
    )


def _empty() -> LoadIssue:
    return LoadIssue(1, "POLICY_MISSING_FIELD", "Thiếu bảng [policy].", "The [policy] table is missing.")


def _build(
    data: dict[str, Any], text: str, check: _Checker, known_tags: Collection[str] | None, source: str
) -> Policy | None:
    check.unknown_keys(data, TOP_KEYS, (), "tệp chính sách (chỉ có [policy], [[rules]] và [[parameters]])")
    head = data.get("policy")
    if not isinstance(head, dict):
        check.add(
            ("policy",), "POLICY_MISSING_FIELD", "Thiếu bảng [policy].", "The [policy] table is missing."
        )
        return None
    path: Path = ("policy",)
    check.unknown_keys(head, POLICY_KEYS, path, "[policy]")
    policy_id = check.identifier(head, "id", path)
    version = check.integer(head, "version", path, default=None, low=1, high=1_000_000)
    precedence = check.integer(head, "precedence", path, default=None, low=-1000, high=1000)
    title_vi = check.text(head, "title_vi", path, required=True)
    title_en = check.text(head, "title_en", path, required=True)
    basis_vi = check.text(head, "legal_basis_vi", path, required=True)
    basis_en = check.text(head, "legal_basis_en", path, required=True)
    for key in ("description_vi", "description_en"):
        check.text(head, key, path, required=False)
    issued = check.moment(head, "issued", path)
    if isinstance(issued, datetime):
        issued = issued.date()
    offices = check.string_set(head, "offices", path, OFFICE_RE, "mã cơ quan BHXH", "office codes")
    valid_from, valid_until = check.period(head, path)

    raw_rules = data.get("rules")
    rules: list[Rule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        check.add(
            ("rules",),
            "POLICY_MISSING_FIELD",
            "Chính sách phải có ít nhất một quy tắc [[rules]].",
            "A policy needs at least one [[rules]] table.",
        )
    else:
        seen: dict[str, int] = {}
        for index, raw in enumerate(raw_rules):
            rpath: Path = ("rules", index)
            if not isinstance(raw, dict):
                check.add(
                    rpath,
                    "POLICY_BAD_VALUE",
                    "Mỗi quy tắc phải là một bảng [[rules]].",
                    "Each rule must be a [[rules]] table.",
                )
                continue
            rule = _build_rule(raw, rpath, check, known_tags, basis_vi, basis_en)
            if rule is None:
                continue
            if rule.id in seen:
                check.add(
                    rpath + ("id",),
                    "POLICY_DUPLICATE_RULE",
                    f"Mã quy tắc “{rule.id}” bị trùng (đã có ở dòng {seen[rule.id]}).",
                    f"Rule id “{rule.id}” is repeated (first at line {seen[rule.id]}).",
                )
                continue
            seen[rule.id] = rule.line
            rules.append(rule)
        _check_overlaps(rules, check)
    parameters = _build_parameters(data.get("parameters"), check, basis_vi, basis_en)
    if check.issues:
        return None
    rules.sort(key=lambda r: -r.precedence)  # stable: file order among equal precedence
    return Policy(
        id=policy_id,
        version=version,
        precedence=precedence,
        title_vi=title_vi,
        title_en=title_en,
        legal_basis_vi=basis_vi,
        legal_basis_en=basis_en,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        rules=tuple(rules),
        issued=issued if isinstance(issued, date) else None,
        offices=offices,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
        parameters=parameters,
    )


def _build_rule(
    raw: dict[str, Any],
    path: Path,
    check: _Checker,
    known_tags: Collection[str] | None,
    basis_vi: str,
    basis_en: str,
) -> Rule | None:
    before = len(check.issues)
    check.unknown_keys(raw, RULE_KEYS, path, "quy tắc [[rules]]")
    rule_id = check.identifier(raw, "id", path)
    effect_raw = raw.get("effect")
    effect = Outcome.REFUSE
    if effect_raw not in ("accept", "refuse"):
        check.add(
            path + ("effect",),
            "POLICY_BAD_VALUE" if effect_raw is not None else "POLICY_MISSING_FIELD",
            "“effect” phải là “accept” (tiếp nhận) hoặc “refuse” (từ chối).",
            "“effect” must be “accept” or “refuse”.",
        )
    else:
        effect = Outcome(effect_raw)
    precedence = check.integer(raw, "precedence", path, default=0, low=-1000, high=1000)
    message_vi = check.text(raw, "message_vi", path, required=True)
    message_en = check.text(raw, "message_en", path, required=True)
    refusal = effect is Outcome.REFUSE
    advice_vi = check.text(raw, "advice_vi", path, required=refusal)
    advice_en = check.text(raw, "advice_en", path, required=refusal)
    rule_basis_vi = check.text(raw, "legal_basis_vi", path, required=False) or basis_vi
    rule_basis_en = check.text(raw, "legal_basis_en", path, required=False) or basis_en
    check.text(raw, "note", path, required=False)
    certificate = raw.get("certificate")
    if certificate is not None and not isinstance(certificate, bool):
        check.add(
            path + ("certificate",),
            "POLICY_BAD_VALUE",
            "“certificate” phải là true hoặc false.",
            "“certificate” must be true or false.",
        )
        certificate = None
    valid_from, valid_until = check.period(raw, path)
    rule = Rule(
        id=rule_id,
        effect=effect,
        precedence=precedence,
        message_vi=message_vi,
        message_en=message_en,
        advice_vi=advice_vi,
        advice_en=advice_en,
        legal_basis_vi=rule_basis_vi,
        legal_basis_en=rule_basis_en,
        line=check.lines.line_of(*path),
        channels=check.enum_set(raw, "channels", path, Channel),
        submitters=check.enum_set(raw, "submitters", path, SubmitterKind),
        certificate=certificate,
        offices=check.string_set(raw, "offices", path, OFFICE_RE, "mã cơ quan BHXH", "office codes"),
        procedures=check.string_set(raw, "procedures", path, PROCEDURE_RE, "mã thủ tục", "procedure codes"),
        tags_all=check.tags(raw, "tags_all", path, known_tags),
        tags_any=check.tags(raw, "tags_any", path, known_tags),
        tags_none=check.tags(raw, "tags_none", path, known_tags),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return rule if len(check.issues) == before else None


def _check_overlaps(rules: list[Rule], check: _Checker) -> None:
    for first, second in combinations(rules, 2):
        if first.precedence == second.precedence and first.could_overlap(second):
            check.issues.append(
                LoadIssue(
                    second.line,
                    "POLICY_OVERLAP",
                    f"Quy tắc “{second.id}” và quy tắc “{first.id}” (dòng {first.line}) có cùng độ ưu tiên "
                    f"{first.precedence} và có thể cùng quyết định một bộ dữ kiện: đổi độ ưu tiên hoặc tách "
                    "điều kiện (kênh, đối tượng, chữ ký số, cơ quan, thủ tục, nhãn, thời hạn).",
                    f"Rule “{second.id}” and rule “{first.id}” (line {first.line}) have the same precedence "
                    f"{first.precedence} and could both decide the same facts: change a precedence or make "
                    "their conditions disjoint (channel, submitter, certificate, office, procedure, tags, "
                    "dates).",
                )
            )


def _build_parameters(raw: Any, check: _Checker, basis_vi: str, basis_en: str) -> tuple[Parameter, ...]:
    """The ``[[parameters]]`` entries: a known name, a value of its type and range, dates in order, and
    no two entries of one name in force at the same moment."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.add(
            ("parameters",),
            "POLICY_BAD_VALUE",
            "Các tham số phải là các bảng [[parameters]].",
            "Parameters must be [[parameters]] tables.",
        )
        return ()
    found: list[Parameter] = []
    for index, entry in enumerate(raw):
        path: Path = ("parameters", index)
        if not isinstance(entry, dict):
            check.add(
                path,
                "POLICY_BAD_VALUE",
                "Mỗi tham số phải là một bảng [[parameters]].",
                "Each parameter must be a [[parameters]] table.",
            )
            continue
        before = len(check.issues)
        check.unknown_keys(entry, PARAMETER_KEYS, path, "tham số [[parameters]]")
        name = check.text(entry, "name", path, required=True)
        spec = SPECS.get(name)
        if name and spec is None:
            check.add(
                path + ("name",),
                "POLICY_BAD_VALUE",
                f"Tham số “{name}” không có; các tham số được hỗ trợ: {', '.join(sorted(SPECS))}.",
                f"There is no parameter “{name}”; the supported ones are: {', '.join(sorted(SPECS))}.",
            )
        value = entry.get("value")
        if value is None:
            check.add(
                path, "POLICY_MISSING_FIELD", "Thiếu trường bắt buộc “value”.", "Missing field “value”."
            )
        elif spec is not None and spec.kind is bool and not isinstance(value, bool):
            check.add(
                path + ("value",),
                "POLICY_BAD_VALUE",
                f"Giá trị của “{name}” phải là true hoặc false.",
                f"The value of “{name}” must be true or false.",
            )
        elif spec is not None and spec.kind is int:
            check.integer(entry, "value", path, default=None, low=spec.low, high=spec.high)
        rule_basis_vi = check.text(entry, "legal_basis_vi", path, required=False) or basis_vi
        rule_basis_en = check.text(entry, "legal_basis_en", path, required=False) or basis_en
        check.text(entry, "note", path, required=False)
        valid_from, valid_until = check.period(entry, path)
        if len(check.issues) > before:
            continue
        parameter = Parameter(
            name=name,
            value=value,
            legal_basis_vi=rule_basis_vi,
            legal_basis_en=rule_basis_en,
            line=check.lines.line_of(*path),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for other in found:
            if other.name == name and other.meets(parameter):
                check.add(
                    path,
                    "POLICY_OVERLAP",
                    f"Tham số “{name}” có hai giá trị cùng hiệu lực (dòng {other.line} và dòng này): tách "
                    "thời hạn (valid_from, valid_until).",
                    f"Parameter “{name}” has two values in force at once (line {other.line} and this one): "
                    "make their periods disjoint (valid_from, valid_until).",
                )
                break
        else:
            found.append(parameter)
    return tuple(found)
