"""Errors a user can act on: each names the file, line and key, what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    message: str
    path: str | None = None
    line: int | None = None
    key: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        key = f"`{self.key}`: " if self.key else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{key}{self.message}{hint}"


class SitegenError(Exception):
    """One or more problems that stop a command; nothing has been written when it is raised."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        problem = Problem(message, str(path) if path is not None else None, line, key, hint)
        self.problems: tuple[Problem, ...] = (problem,)
        super().__init__(str(problem))

    @classmethod
    def many(cls, problems: Iterable[Problem], summary: str) -> SitegenError:
        problems = tuple(problems)
        error = cls(summary)
        error.problems = problems
        error.args = (summary + "\n" + "\n".join(f"  - {p}" for p in problems),)
        return error

    @property
    def first(self) -> Problem:
        return self.problems[0]
