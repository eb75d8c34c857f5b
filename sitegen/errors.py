"""Errors a user can act on: each names the file, line and key, what is wrong and how to fix it."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: what, where (file, line, key), and how to fix it."""

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
    def many(cls, problems: Iterable[Problem], summary: str, *, alone: str = "") -> SitegenError:
        """Several problems: `summary`, then one line each. One problem alone is the message
        itself (`file:line: key: what (how)`), with `alone` after it: what the summary would have
        added (`warnings are errors with --strict`)."""
        problems = tuple(problems)
        error = cls(summary)
        error.problems = problems
        if len(problems) == 1:
            error.args = (f"{problems[0]}{f'; {alone}' if alone else ''}",)
        else:
            error.args = (summary + "\n" + "\n".join(f"  - {p}" for p in problems),)
        return error

    @property
    def first(self) -> Problem:
        return self.problems[0]


# What to do about the system errors a command can meet while reading or writing files.
OS_ERROR_HINTS = {
    errno.ENOSPC: "free some disk space, then run it again",
    errno.EDQUOT: "free some disk space (you are over your quota), then run it again",
    errno.EFBIG: "the file is larger than this system allows; free space or raise the limit",
    errno.EACCES: "check that you may read and write there (the file's and its folder's permissions)",
    errno.EPERM: "check that you may read and write there (the file's and its folder's permissions)",
    errno.EROFS: "that disk is read-only; choose another folder",
    errno.ELOOP: "a symbolic link there points back at itself; fix or remove it",
    errno.ENAMETOOLONG: "the path is too long for this system; use a shorter name",
    errno.EMFILE: "too many files are open; close some programs and run it again",
    errno.EIO: "the disk reported an error; check it",
}


def os_error(exc: OSError, doing: str, path: str | Path | None = None) -> SitegenError:
    """A system error (a full disk, a missing permission) as one problem naming its file: `path`,
    else the file the error names."""
    named = path if path is not None else exc.filename
    if isinstance(named, bytes):
        named = os.fsdecode(named)
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = OS_ERROR_HINTS.get(exc.errno or 0, "check the file and its folder, then run it again")
    return SitegenError(f"cannot {doing}: {reason}", path=named, hint=hint)
