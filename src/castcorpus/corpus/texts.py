"""Canonical text: UTF-8, Unicode NFC, LF line endings, no byte-order mark; and its hash.

Offsets everywhere in CAST-Syria are code-point indices into this canonical form, so every
text that enters the corpus passes through :func:`canonicalize` and is identified by
:func:`text_sha256`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

BOM = "\ufeff"


def canonicalize(text: str) -> str:
    """Return the canonical form of ``text``: no leading BOM, CRLF and CR turned into LF, NFC.

    Idempotent: ``canonicalize(canonicalize(t)) == canonicalize(t)``. Every leading U+FEFF is
    removed, not only the first: removing one would leave the next at the start.
    """
    text = text.lstrip(BOM)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 bytes of ``text``, which should already be canonical."""
    return bytes_sha256(text.encode("utf-8"))


def bytes_sha256(data: bytes) -> str:
    """SHA-256 (hex) of ``data``: for the bytes a text was decoded from as UTF-8, its
    :func:`text_sha256` without encoding the text again (strict UTF-8 decodes one way only)."""
    import hashlib  # here, not at the top: loading OpenSSL is a good part of `castcorpus --help`

    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class TextProblem:
    """Why a stored text is not canonical: a stable ``code`` and a message."""

    code: str
    message: str


def decode_canonical(data: bytes) -> tuple[str | None, list[TextProblem]]:
    """Decode stored text bytes and say every way in which they are not canonical.

    Returns the decoded text (``None`` when the bytes are not UTF-8) and the problems found.
    A text with problems is never silently repaired: the corpus must hold the canonical form.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [TextProblem("text-invalid-utf8", f"byte {err.start} is not valid UTF-8 ({err.reason})")]
    problems = []
    if text.startswith(BOM):
        problems.append(TextProblem("text-bom", "text starts with a byte-order mark"))
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        problems.append(TextProblem("text-crlf", f"text has CR line endings (first on line {line}); use LF"))
    if not unicodedata.is_normalized("NFC", text):
        nfc = unicodedata.normalize("NFC", text)
        offset = next((i for i, (a, b) in enumerate(zip(text, nfc)) if a != b), min(len(text), len(nfc)))
        problems.append(TextProblem("text-not-nfc", f"text is not in Unicode NFC (first at code point {offset})"))
    if not text or text.isspace():  # what `not text.strip()` says, without copying the text
        problems.append(TextProblem("text-empty", "text is empty or only whitespace"))
    return text, problems
