"""Claim coverage: a sentence that names a registry actor and reports speech should hold a claim.

Dense claim annotation means every reported statement is a claim (guidelines 3.1). A sentence
with an actor mention and a reporting verb ("said", "according to", "denied", ...) but no
claim span is either a miss or a reasoned exception (a byline, a quoted slogan, debris); the
exceptions are listed, with a reason each, in ``corpus/coverage-exceptions.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from castcorpus.corpus.segment import segment

#: Words and phrases that report speech or writing (matched as whole words, case-insensitive).
REPORTING = re.compile(
    r"\b(?:said|says|say|saying|told|tells|reported|reports|reporting|according to|claimed|claims|"
    r"accused|accuses|accusing|denied|denies|denying|announced|announces|stated|states|added|adds|"
    r"confirmed|confirms|alleged|alleges|warned|warns|insisted|insists|described|blamed|blames|"
    r"quoted|cited|noted|explained|declared|acknowledged|asserted|argued)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Uncovered:
    """A sentence with an actor mention and a reporting word but no claim span."""

    document: str
    start: int
    end: int
    cue: str  # the reporting word found (for the reviewer; never stored)


def uncovered_sentences(doc_id: str, text: str, annotation: dict[str, Any]) -> list[Uncovered]:
    """The sentences of ``text`` that name an annotated actor and hold a reporting word, but
    overlap no claim span and no cue (a speech tag split off as its own sentence after a
    quotation, '"..." said a resident.', serves the claim before it)."""
    mentions = [(m["start"], m["end"]) for entry in annotation["actors"] for m in entry["mentions"]]
    claims = [(c["span"]["start"], c["span"]["end"]) for c in annotation["claims"]]
    claims += [(step["cue"]["start"], step["cue"]["end"]) for c in annotation["claims"]
               for step in c["attribution"] if step.get("cue")]
    found = []
    for sentence in segment(text):
        s, e = sentence.start, sentence.end
        if not any(a < e and b > s for a, b in mentions):
            continue
        cue = REPORTING.search(text, s, e)
        if cue is None or any(a < e and b > s for a, b in claims):
            continue
        found.append(Uncovered(doc_id, s, e, cue.group(0)))
    return found
