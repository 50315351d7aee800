"""Validation findings as data: issues with stable codes, collected into a report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Issue:
    """One finding: a stable kebab-case ``code``, the ``file`` (relative to the corpus root),
    a JSON ``pointer`` into it (RFC 6901; empty for the whole file) and a human ``message``."""

    file: str
    pointer: str
    code: str
    message: str

    def line(self) -> str:
        """The finding as ``file:pointer: code: message``."""
        return f"{self.file}:{self.pointer}: {self.code}: {self.message}"


@dataclass
class Report:
    """The findings of one validation run."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0

    @property
    def valid(self) -> bool:
        """True when no finding was made."""
        return not self.issues

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues) -> None:
        self.issues.extend(issues)

    def sorted(self) -> list[Issue]:
        """Findings in a stable order: by file, then pointer, then code."""
        return sorted(set(self.issues))

    def lines(self) -> list[str]:
        return [issue.line() for issue in self.sorted()]

    def to_json(self) -> str:
        """The report as a JSON document for programs."""
        return json.dumps(
            {
                "valid": self.valid,
                "files_checked": self.files_checked,
                "issues": [asdict(issue) for issue in self.sorted()],
            },
            indent=2,
            ensure_ascii=False,
        )


def pointer(*parts: object) -> str:
    """Build a JSON pointer (RFC 6901) from path parts, escaping ``~`` and ``/``."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)
