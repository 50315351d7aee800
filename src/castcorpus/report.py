"""Validation findings as data: issues with stable codes, collected into a report."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Issue:
    """One finding: a stable kebab-case ``code``, the ``file`` (relative to the corpus root),
    a JSON ``pointer`` into it (RFC 6901; empty for the whole file) and a human ``message``."""

    file: str
    pointer: str
    code: str
    message: str

    def __post_init__(self):
        # A file name that is not UTF-8 reaches Python with lone surrogates, which cannot be
        # printed or written as JSON; show their bytes as escapes instead.
        for name in ("file", "pointer", "message"):
            value = getattr(self, name)
            if _SURROGATE.search(value):
                object.__setattr__(self, name, _printable(value))

    def line(self) -> str:
        """The finding as ``file:pointer: code: message``."""
        return f"{self.file}:{self.pointer}: {self.code}: {self.message}"


#: A lone surrogate (a character test per code point showed in runs with many findings).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _order(issue: Issue) -> tuple:
    tokens = tuple((0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t) for t in issue.pointer.split("/")[1:])
    return issue.file, tokens, issue.code, issue.message


def _printable(value: str) -> str:
    """``value`` with lone surrogates shown as escapes: the original byte (``\\xff``) for
    those that stand for undecodable bytes of a file name, the code point otherwise."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class Report:
    """The findings of one validation run."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0
    #: Findings that do not make the corpus invalid (e.g. a file made under older guidelines).
    warnings: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no finding was made (warnings do not count)."""
        return not self.issues

    def warn(self, issue: Issue) -> None:
        self.warnings.append(issue)

    def warning_lines(self) -> list[str]:
        return [issue.line() for issue in sorted(set(self.warnings), key=_order)]

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues) -> None:
        self.issues.extend(issues)

    def sorted(self) -> list[Issue]:
        """Findings in a stable order: by file, then pointer (list indices in numeric order,
        so /actors/5 comes before /actors/11), then code and message."""
        return sorted(set(self.issues), key=_order)

    def lines(self) -> list[str]:
        return [issue.line() for issue in self.sorted()]

    def to_json(self) -> str:
        """The report as a JSON document for programs."""
        return json.dumps(
            {
                "valid": self.valid,
                "files_checked": self.files_checked,
                "issues": [asdict(issue) for issue in self.sorted()],
                "warnings": [asdict(issue) for issue in sorted(set(self.warnings), key=_order)],
            },
            indent=2,
            ensure_ascii=False,
        )


def shown_name(name: str) -> str:
    """A file name quoted for a message, every character outside ASCII escaped (so that
    look-alikes show: a Cyrillic 'е' as \\u0435), and the bytes of a name that is not UTF-8
    (which Python holds as lone surrogates) as the bytes they are: \\xe9."""
    return re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", ascii(name))


def pointer(*parts: object) -> str:
    """Build a JSON pointer (RFC 6901) from path parts, escaping ``~`` and ``/``."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)
