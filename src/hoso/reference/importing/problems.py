"""What is wrong with a file or one of its cells, said to the person who typed it: where (row, column,
the value as typed), what is wrong, and what to do — in Vietnamese, English available."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.errors import CodedError
from hoso.reference.importing.tables import NumberText


class CellProblem(CodedError):
    """A cell that cannot be imported; ``action_vi`` / ``action_en`` say how to mend it."""

    def __init__(self, code: str, message_vi: str, message_en: str, action_vi: str, action_en: str) -> None:
        super().__init__(code, message_vi, message_en)
        self.action_vi = action_vi
        self.action_en = action_en


@dataclass(frozen=True)
class RowProblem:
    #: the row of the spreadsheet (as Excel numbers it); None for the file as a whole
    line: int | None
    #: the column's header as typed in the file ("" when the problem is the row or the file)
    column: str
    value: str
    code: str
    problem_vi: str
    problem_en: str
    action_vi: str
    action_en: str

    def problem(self, language: str = "vi") -> str:
        return self.problem_en if language.startswith("en") else self.problem_vi

    def action(self, language: str = "vi") -> str:
        return self.action_en if language.startswith("en") else self.action_vi

    def as_line(self) -> str:
        """One line for the command line (Vietnamese)."""
        where = [f"Dòng {self.line}" if self.line is not None else "Tệp"]
        if self.column:
            where.append(f"cột «{self.column}»")
        if self.line is not None:
            where.append(f"giá trị «{self.value}»")
        return f"{', '.join(where)}: {self.problem_vi} → {self.action_vi}"


def at(
    line: int | None, column: str, value: str, error: CellProblem, *, code_column: bool = False
) -> RowProblem:
    problem_vi, problem_en = error.message_vi, error.message_en
    if code_column and isinstance(
        value, NumberText
    ):  # Excel kept a code as a number: its leading zeros are gone
        problem_vi += " (Excel lưu ô này dạng số nên đã bỏ các số 0 ở đầu.)"
        problem_en += " (Excel stored this cell as a number, dropping its leading zeros.)"
        action_vi = "Định dạng cột là Văn bản (Text), gõ lại mã đầy đủ rồi tải lại tệp."
        action_en = "Format the column as Text, type the full code again, then upload the file again."
    else:
        action_vi, action_en = error.action_vi, error.action_en
    return RowProblem(line, column, str(value), error.code, problem_vi, problem_en, action_vi, action_en)


def file_problem(code: str, problem_vi: str, problem_en: str, action_vi: str, action_en: str) -> RowProblem:
    return RowProblem(None, "", "", code, problem_vi, problem_en, action_vi, action_en)
