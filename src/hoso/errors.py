"""The one coded-error shape shared by every package.

Pure: no Django. Every refusal the gateway gives a person or a machine carries a stable ``code``
(for programs and statistics), a Vietnamese message (the default language of every user) and an
English one. Packages subclass :class:`CodedError` and give their own codes.
"""

from __future__ import annotations


class CodedError(ValueError):
    """An error with a stable code and a message in Vietnamese and English."""

    def __init__(self, code: str, message_vi: str, message_en: str, **details: object) -> None:
        super().__init__(f"{code}: {message_vi}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.details = details

    def message(self, language: str = "vi") -> str:
        return self.message_en if language.startswith("en") else self.message_vi

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
            **({"details": self.details} if self.details else {}),
        }


class StartRefused(CodedError):
    """A command will not run on this server as it is (a divergence from the other servers, say): the
    `hoso` command prints both messages and exits 3, without a traceback."""
