"""The registry of every code hoso answers: one message type, declared once per package.

Pure: no Django. Each package declares the codes it can answer in its own ``reasons`` module —
``declare(Code(...), ...)`` — with a Vietnamese and an English text, the legal basis (``CanCu`` of a
receipt) and the next step (``HuongDan``) that the reader — a unit, an I-VAN, an officer — can take
themselves. The catalogue (``GET /api/v1/codes``, the table of docs/ivan-guide.md, ``x-codes`` in the
OpenAPI document) is generated from this registry, and a test walks the source for codes it lacks.

A raised error or a receipt's reason carries its own, specific text (the file, the row, the value); the
registry's text says what the code means in general. Where an answer has no legal basis or next step of
its own, the registry's fills it in (:func:`fill`).

A *family* covers codes made by a rule: ``SIG_PART_<code>`` is ``SIG_<code>`` (or ``<code>``) said of a
form inside the envelope; ``POLICY_<rule>`` is a refusal by a rule of a channel policy an administrator
stored, which carries its own texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

# Legal bases (CanCu), as the receipts write them (DOMAIN.md §2–§3).
QD_08_2015 = "Quyết định 08/2015/QĐ-TTg ngày 24/3/2015 về giao dịch điện tử trong lĩnh vực BHXH, BHYT, BHTN"
LAW_E_TRANSACTIONS = "Luật Giao dịch điện tử số 51/2005/QH11"
ND_130_2018 = "Nghị định 130/2018/NĐ-CP ngày 27/9/2018 về chữ ký số và dịch vụ chứng thực chữ ký số"
CV_2671 = "Công văn 2671/BHXH-CNTT ngày 26/11/2015 của BHXH Thành phố Hà Nội"
QD_595_2017 = "Quyết định 595/QĐ-BHXH ngày 14/4/2017 (hồ sơ, biểu mẫu)"
QD_959_2015 = "Quyết định 959/QĐ-BHXH ngày 09/9/2015 (hồ sơ, biểu mẫu)"
BASIS_SIGNATURES = f"{LAW_E_TRANSACTIONS}; {ND_130_2018}; {QD_08_2015}"
BASIS_CONNECTION = f"{QD_08_2015} (kết nối của tổ chức I-VAN với cơ quan BHXH); {CV_2671}"

#: who reads a code: an I-VAN or the unit it files for (answers of the API, receipts), or an officer
#: of the office (the desk's pages and commands)
AUDIENCES = ("ivan", "desk")


@dataclass(frozen=True)
class Code:
    """One code: what it means (Vietnamese, English), on what legal basis, and what to do next."""

    code: str
    vi: str
    en: str
    basis: str
    next_vi: str
    next_en: str
    audience: str = "ivan"
    package: str = ""

    def missing(self) -> list[str]:
        """The texts this code lacks (none for a complete declaration)."""
        names = ("vi", "en", "basis", "next_vi", "next_en")
        return [name for name in names if not getattr(self, name).strip()]

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.vi,
            "message_en": self.en,
            "legal_basis": self.basis,
            "next_step": self.next_vi,
            "next_step_en": self.next_en,
            "audience": self.audience,
            "package": self.package,
        }


@dataclass(frozen=True)
class Family:
    """Codes made by a rule: ``prefix`` + a rest. ``bases``: prefixes under which the rest is itself a
    declared code (``SIG_PART_HASH_FAILURE`` is ``SIG_HASH_FAILURE`` said of a form); without bases the
    family's own texts are the answer."""

    prefix: str
    vi: str
    en: str
    basis: str
    next_vi: str
    next_en: str
    bases: tuple[str, ...] = ()
    audience: str = "ivan"
    package: str = ""

    def as_code(self) -> Code:
        return Code(self.prefix + "*", self.vi, self.en, self.basis, self.next_vi, self.next_en,
                    self.audience, self.package)  # fmt: skip


_CODES: dict[str, Code] = {}
_FAMILIES: list[Family] = []


class DeclarationConflict(ValueError):
    """A code declared twice with different texts (two packages claiming one code)."""


def declare(package: str, *codes: Code | Family) -> None:
    """Declare ``codes`` for ``package`` (idempotent: a module imported again declares the same)."""
    for item in codes:
        item = replace(item, package=package)
        if isinstance(item, Family):
            if item not in _FAMILIES:
                _FAMILIES.append(item)
                _FAMILIES.sort(key=lambda f: -len(f.prefix))
            continue
        known = _CODES.get(item.code)
        if known is not None and known != item:
            raise DeclarationConflict(f"{item.code} is declared by {known.package} and again by {package}")
        _CODES[item.code] = item


def lookup(code: str) -> Code | None:
    """The declaration of ``code``: its own, or derived from its family."""
    if (found := _CODES.get(code)) is not None:
        return found
    for family in _FAMILIES:
        if not code.startswith(family.prefix):
            continue
        rest = code[len(family.prefix) :]
        if not family.bases:
            return replace(family.as_code(), code=code)
        for base in family.bases:
            if (found := _CODES.get(base + rest)) is not None:
                return Code(code, f"{family.vi}: {found.vi}", f"{family.en}: {found.en}", found.basis,
                            found.next_vi, found.next_en, found.audience, family.package)  # fmt: skip
    return None


def codes() -> list[Code]:
    """Every declared code, by code."""
    return sorted(_CODES.values(), key=lambda c: c.code)


def families() -> list[Family]:
    return sorted(_FAMILIES, key=lambda f: f.prefix)


def fill(code: str, basis: str, advice: str, advice_en: str) -> tuple[str, str, str]:
    """``basis``, ``advice``, ``advice_en`` of an answer, each one left empty taken from the registry."""
    if basis and advice and advice_en:
        return basis, advice, advice_en
    declared = lookup(code)
    if declared is None:
        return basis, advice, advice_en
    return basis or declared.basis, advice or declared.next_vi, advice_en or declared.next_en


def incomplete(names: Iterable[str]) -> dict[str, list[str]]:
    """Of ``names``, those not in the registry (``["undeclared"]``) or lacking texts (their names)."""
    found: dict[str, list[str]] = {}
    for name in names:
        declared = lookup(name)
        if declared is None:
            found[name] = ["undeclared"]
        elif missing := declared.missing():
            found[name] = missing
    return found
