"""Domain errors raised by services; adapters turn them into messages or problem+json."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One invalid field or line: where it is and what is wrong."""

    name: str
    reason: str
    code: str = "invalid"
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"regel {self.line}")
        where.append(f"veld {self.name}")
        return f"{', '.join(where)}: {self.reason}"


@dataclass
class DomainError(Exception):
    """A request that the domain refuses, with every problem found."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class NotFound(DomainError):
    def __init__(self, message: str):
        super().__init__(message, [], 404)


class Conflict(DomainError):
    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message, problems or [], 409)
