"""Names compared the way a reader would: case, accents, hyphens and punctuation aside."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """``name`` case-folded, without accents, punctuation or a leading "the":
    "Al-Jazeera" and "al Jazeera" are one name, as are "Erdoğan" and "Erdogan"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _NOT_WORD.sub(" ", plain).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)
