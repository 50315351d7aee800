"""Checks on one annotation file that a schema cannot express: spans against the text,
unique ids, references that resolve, and attribution chains that hang together."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

from castcorpus.report import Issue, pointer


@dataclass
class AnnotationContext:
    """What an annotation file is checked against."""

    file: str
    text: str | None            # canonical text, or None when not available
    text_length: int            # from the document metadata
    redistributable: bool | None  # None when the document's collection is not known
    actors: dict[str, dict] | None  # the actor registry; None when it is unusable
    clusters: set[str] | None = None  # keys of clusters.json; None when it is unusable


def annotation_issues(annotation: dict[str, Any], ctx: AnnotationContext) -> Iterator[Issue]:
    """Every semantic finding in one schema-valid annotation file."""
    # Most files have nothing to report: a plain pass over their spans and mentions says so,
    # and only a file where it finds something goes through the checks that say what (a
    # generator and a JSON pointer per span cost more than the checks themselves).
    if not (_spans_sound(annotation, ctx) and _mentions_sound(annotation, ctx)):
        for path, span in iter_spans(annotation):
            yield from span_issues(span, path, ctx)
        yield from _mention_issues(annotation, ctx)
        yield from _mention_layout_issues(annotation, ctx)
    claim_ids = yield from _unique_ids(annotation.get("claims", []), "claims", ctx.file)
    yield from _unique_ids(annotation.get("stances", []), "stances", ctx.file)
    in_document = {entry["actor"] for entry in annotation.get("actors", [])}
    resolved = _resolved_refs(in_document, ctx)
    for index, claim in enumerate(annotation.get("claims", [])):
        yield from _claim_issues(claim, index, in_document, ctx, resolved)
    yield from _overlapping_claims(annotation, ctx)
    if ctx.text is not None and ctx.redistributable is False:
        yield from _copied_prose(annotation, ctx)
    for index, stance in enumerate(annotation.get("stances", [])):
        yield from _stance_issues(stance, index, claim_ids, in_document, ctx, resolved)


def iter_spans(annotation: dict[str, Any]) -> Iterator[tuple[tuple, dict]]:
    """Every span in an annotation file with its path (for JSON pointers)."""
    for i, entry in enumerate(annotation.get("actors", [])):
        for j, span in enumerate(entry.get("mentions", [])):
            yield ("actors", i, "mentions", j), span
    for i, claim in enumerate(annotation.get("claims", [])):
        yield ("claims", i, "span"), claim["span"]
        if claim.get("cue"):
            yield ("claims", i, "cue"), claim["cue"]
        for j, step in enumerate(claim.get("attribution", [])):
            if step.get("cue"):
                yield ("claims", i, "attribution", j, "cue"), step["cue"]
    for i, stance in enumerate(annotation.get("stances", [])):
        for j, span in enumerate(stance.get("evidence", [])):
            yield ("stances", i, "evidence", j), span


def spans_of(annotation: dict[str, Any]) -> list[dict]:
    """The spans of :func:`iter_spans`, in its order, without their paths."""
    spans = [span for entry in annotation.get("actors", []) for span in entry.get("mentions", [])]
    for claim in annotation.get("claims", []):
        spans.append(claim["span"])
        if claim.get("cue"):
            spans.append(claim["cue"])
        spans.extend(step["cue"] for step in claim.get("attribution", []) if step.get("cue"))
    for stance in annotation.get("stances", []):
        spans.extend(stance.get("evidence", []))
    return spans


def _spans_sound(annotation: dict[str, Any], ctx: AnnotationContext) -> bool:
    """True only when :func:`span_issues` finds nothing in any span of the file (False when it
    may: the edges that need a category lookup are left to it)."""
    text, stored_ok = ctx.text, ctx.redistributable
    limit = ctx.text_length if text is None else min(ctx.text_length, len(text))
    for span in spans_of(annotation):
        start, end = span["start"], span["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= limit:
            return False
        if "text" in span and (stored_ok is False or stored_ok and text is not None and span["text"] != text[start:end]):
            return False
        if text is None:
            continue
        if text[start].isspace() or text[end - 1].isspace():
            return False
        # An edge is surely inside no grapheme when its code point is below the first combining
        # mark and does not follow a joiner (see splits_grapheme); the text's end never is.
        if start and (text[start] >= _FIRST_EXTENDING or text[start - 1] == _ZWJ):
            return False
        if end < len(text) and (text[end] >= _FIRST_EXTENDING or text[end - 1] == _ZWJ):
            return False
    return True


def span_issues(span: dict[str, Any], path: tuple, ctx: AnnotationContext) -> Iterator[Issue]:
    """Offsets in order and inside the text, not on whitespace; stored text matches or is absent."""
    start, end = span["start"], span["end"]  # the pointer is made only for an issue
    if type(start) is not int or type(end) is not int:
        # JSON Schema counts 1.0 as an integer; a str index cannot be one.
        yield Issue(ctx.file, pointer(*path), "span-offset-not-integer",
                    f"span offsets must be written as integers (no fraction or exponent): [{start}, {end})")
        return
    if end <= start:
        yield Issue(ctx.file, pointer(*path), "span-reversed", f"span end {end} is not after its start {start}")
        return
    if end > ctx.text_length:
        yield Issue(ctx.file, pointer(*path), "span-out-of-range",
                    f"span [{start}, {end}) ends past the end of the text ({ctx.text_length} code points)")
        return
    if "text" in span and ctx.redistributable is False:
        yield Issue(ctx.file, pointer(*path, "text"), "span-text-forbidden",
                    "span text must not be stored for a document that is not redistributable")
    if ctx.text is None:
        return
    covered = ctx.text[start:end]
    if covered[0].isspace() or covered[-1].isspace():
        yield Issue(ctx.file, pointer(*path), "span-whitespace-edge",
                    f"span [{start}, {end}) starts or ends on whitespace")
    for edge in (start, end):
        split = splits_grapheme(ctx.text, edge)
        if split:
            yield Issue(ctx.file, pointer(*path), "span-splits-grapheme",
                        f"span [{start}, {end}) has an edge at {edge}, inside a character: U+{ord(split):04X} "
                        f"({unicodedata.name(split, 'unnamed')}) there belongs with the code point before it")
            break
    if ctx.redistributable and "text" in span and span["text"] != covered:
        yield Issue(ctx.file, pointer(*path, "text"), "span-text-mismatch",
                    f"span text {span['text']!r} differs from the text at [{start}, {end}): {covered!r}")


#: General categories of the code points that extend the character before them (combining
#: marks: nonspacing, spacing, enclosing): a span edge before one splits a grapheme cluster.
_EXTENDING = frozenset({"Mn", "Mc", "Me"})
_ZWJ = "\u200d"
#: No code point below U+0300 (the first combining diacritical mark) extends the one before it.
_FIRST_EXTENDING = "\u0300"


def splits_grapheme(text: str, offset: int) -> str | None:
    """The code point at ``offset`` when an edge there would split a grapheme cluster (a base
    character from its combining mark, or either side of a zero-width joiner); else None.
    The text's two ends never split anything."""
    if not 0 < offset < len(text):
        return None
    char = text[offset]
    if char < _FIRST_EXTENDING and text[offset - 1] != _ZWJ:
        return None  # most edges: no category lookup
    if char == _ZWJ or text[offset - 1] == _ZWJ or unicodedata.category(char) in _EXTENDING:
        return char
    return None


def _mentions_sound(annotation, ctx) -> bool:
    """True only when :func:`_mention_issues` and :func:`_mention_layout_issues` find nothing,
    given sound spans: known actors, each listed once, and no two mentions of the file (of the
    same actor or not) sharing a code point, each actor's in text order."""
    actors, everyone = [], []
    for entry in annotation.get("actors", []):
        spans = [(span["start"], span["end"]) for span in entry["mentions"]]
        if spans != sorted(set(spans)):  # out of order, or one listed twice
            return False
        actors.append(entry["actor"])
        everyone += spans
    if len(set(actors)) != len(actors) or ctx.actors is not None and not ctx.actors.keys() >= set(actors):
        return False
    everyone.sort()
    return all(before[1] <= after[0] for before, after in zip(everyone, everyone[1:]))


def _mention_issues(annotation, ctx) -> Iterator[Issue]:
    listed: dict[str, int] = {}
    for i, entry in enumerate(annotation.get("actors", [])):
        key = entry["actor"]
        if ctx.actors is not None and key not in ctx.actors:
            yield Issue(ctx.file, pointer("actors", i, "actor"), "unknown-actor",
                        f"actor {key!r} is not in the actor registry")
        if key in listed:
            yield Issue(ctx.file, pointer("actors", i, "actor"), "duplicate-actor",
                        f"actor {key!r} is already listed at /actors/{listed[key]}")
        listed.setdefault(key, i)
        seen = set()
        for j, span in enumerate(entry["mentions"]):
            pair = (span["start"], span["end"])
            if pair in seen:
                yield Issue(ctx.file, pointer("actors", i, "mentions", j), "duplicate-span",
                            f"mention [{pair[0]}, {pair[1]}) of {key!r} is listed twice")
            seen.add(pair)


def _mention_layout_issues(annotation, ctx) -> Iterator[Issue]:
    """The schema's rules on mentions: each actor's in text order; different actors' never overlap.

    Spans already reported as reversed or out of range are left out, so that one bad span is
    one finding, not one per mention it would seem to overlap."""
    file, spans = ctx.file, []
    for i, entry in enumerate(annotation.get("actors", [])):
        sound = [(j, m) for j, m in enumerate(entry["mentions"]) if m["start"] < m["end"] <= ctx.text_length]
        starts = [(m["start"], m["end"]) for _, m in sound]
        if starts != sorted(starts):
            yield Issue(file, pointer("actors", i, "mentions"), "mentions-unordered",
                        f"mentions of {entry['actor']!r} are not in text order")
        spans.extend((m["start"], m["end"], entry["actor"], (i, j)) for j, m in sound)
    spans.sort()
    # One sweep in start order: a mention overlaps an earlier one of another actor exactly when
    # the earlier mention of another actor that reaches furthest ends after it starts. The two
    # furthest-reaching earlier mentions of different actors are enough to know it, so each
    # mention is checked in constant time and reported at most once (against that mention):
    # thousands of nested mentions cost a sort, not a comparison of every pair.
    first = second = None  # the earlier mention ending last, and the one ending last of another actor
    for span in spans:
        start, end, actor, (i, j) = span
        other = first if first is not None and first[2] != actor else second
        if other is not None and other[1] > start:
            yield Issue(file, pointer("actors", i, "mentions", j), "mention-overlap",
                        f"mention [{start}, {end}) of {actor!r} overlaps mention [{other[0]}, {other[1]}) of {other[2]!r}")
        if first is None or end > first[1]:
            if first is not None and first[2] != actor:
                second = first
            first = span
        elif first[2] != actor and (second is None or end > second[1]):
            second = span


def _overlapping_claims(annotation, ctx) -> Iterator[Issue]:
    """Claim spans never overlap (guidelines 3.3): where one clause seems to hold two claims, the
    larger one is annotated. One sweep in start order finds each overlap with the span before."""
    spans = sorted((c["span"]["start"], c["span"]["end"], i) for i, c in enumerate(annotation.get("claims", []))
                   if type(c["span"]["start"]) is int and type(c["span"]["end"]) is int)
    reach = None  # (end, index) of the earlier span that reaches furthest
    for start, end, index in spans:
        if reach is not None and reach[0] > start:
            yield Issue(ctx.file, pointer("claims", index, "span"), "claim-spans-overlap",
                        f"claim span [{start}, {end}) overlaps the span of claim "
                        f"{annotation['claims'][reach[1]]['id']!r}; annotate the larger claim (3.3)")
        if reach is None or end > reach[0]:
            reach = (end, index)


#: Consecutive words of a third-party text that a proposition or note may not repeat.
COPIED_WORDS = 6
_WORD = re.compile(r"[^\W_]+")


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _names(actors: dict[str, dict] | None) -> set[tuple[str, ...]]:
    """Every run of COPIED_WORDS words inside an actor's name or alias: a long proper name
    ("the Syrian Observatory for Human Rights") is not copied prose. Computed once per
    registry, not per document: tens of thousands of actors times thousands of documents
    would otherwise grow as their product."""
    if _NAME_RUNS and _NAME_RUNS[0] is actors:
        return _NAME_RUNS[1]
    runs = set()
    for actor in (actors or {}).values():
        for name in [actor.get("name", ""), *actor.get("aliases", [])]:
            runs |= _ngrams("the " + name, COPIED_WORDS)
    _NAME_RUNS[:] = [actors, runs]  # the registry is kept alive with its runs, so `is` is sound
    return runs


#: ``[registry, its name runs]`` of the last registry seen (one per validation run).
_NAME_RUNS: list = []


def _copied(prose: str, source: set, names: set) -> bool:
    for gram in _ngrams(prose, COPIED_WORDS) & source:
        # Figures are facts, not prose (a list of resolution numbers); names are not prose either.
        if gram not in names and sum(w.isdigit() for w in gram) * 2 < len(gram):
            return True
    return False


def _copied_prose(annotation, ctx) -> Iterator[Issue]:
    """Propositions and notes are the annotator's own words: for a text the repository may not
    store, repeating six consecutive words of it would leak it through the annotations."""
    source = _ngrams(ctx.text, COPIED_WORDS)
    names = _names(ctx.actors)
    places = [(("provenance", "note"), annotation["provenance"].get("note"))]
    for kind in ("claims", "stances"):
        for i, item in enumerate(annotation.get(kind, [])):
            if kind == "claims":
                places.append(((kind, i, "proposition"), item["proposition"]))
            places.append(((kind, i, "note"), item.get("note")))
    for i, entry in enumerate(annotation.get("actors", [])):
        places.append((("actors", i, "note"), entry.get("note")))
    for path, prose in places:
        if prose and _copied(prose, source, names):
            yield Issue(ctx.file, pointer(*path), "prose-copies-text",
                        f"repeats {COPIED_WORDS} or more consecutive words of the document's third-party text; "
                        "write it in your own words")


def _unique_ids(items, list_name, file):
    ids = {item["id"] for item in items}
    if len(ids) == len(items):  # no id twice: nothing to say where
        return ids
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if item["id"] in first:
            yield Issue(file, pointer(list_name, index, "id"), "duplicate-id",
                        f"id {item['id']!r} is already used at /{list_name}/{first[item['id']]}")
        else:
            first[item["id"]] = index
    return set(first)


def _resolved_refs(in_document: set[str], ctx: AnnotationContext) -> set[str]:
    """The actor references of a file that :func:`_actor_ref` has nothing to say about."""
    known = in_document if ctx.actors is None else {key for key in in_document if key in ctx.actors}
    return known | {"author"}


def _actor_ref(ref, path, in_document, ctx) -> Iterator[Issue]:
    if ref == "author":
        return
    if ctx.actors is not None and ref not in ctx.actors:
        yield Issue(ctx.file, pointer(*path), "unknown-actor", f"actor {ref!r} is not in the actor registry")
    elif ref not in in_document:
        yield Issue(ctx.file, pointer(*path), "actor-not-in-document",
                    f"actor {ref!r} is referred to but has no mention in /actors")


def cluster_refs(claim, base) -> Iterator[tuple[tuple, str]]:
    """Every cluster key a claim cites, with its path."""
    if claim.get("cluster") is not None:
        yield (*base, "cluster"), claim["cluster"]
    for j, key in enumerate(claim.get("other_clusters", [])):
        yield (*base, "other_clusters", j), key


def _clusters_known(claim, clusters: set[str]) -> bool:
    """Whether every cluster key the claim cites (see :func:`cluster_refs`) is in ``clusters``."""
    return (claim.get("cluster") is None or claim["cluster"] in clusters) and clusters.issuperset(claim.get("other_clusters", []))


def _claim_issues(claim, index, in_document, ctx, resolved=None) -> Iterator[Issue]:
    """The findings of one claim; ``resolved``: the file's :func:`_resolved_refs`, when known."""
    base = ("claims", index)
    if ctx.clusters is not None and not _clusters_known(claim, ctx.clusters):
        for path, key in cluster_refs(claim, base):
            if key not in ctx.clusters:
                yield Issue(ctx.file, pointer(*path), "unknown-cluster", f"cluster {key!r} is not in clusters.json")
    if claim.get("cluster") is not None and claim["cluster"] in claim.get("other_clusters", []):
        yield Issue(ctx.file, pointer(*base, "other_clusters"), "cluster-repeated",
                    f"cluster {claim['cluster']!r} is already the claim's cluster")
    chain = claim["attribution"]
    # One set test for the claim's references, and a finding per reference only when one fails.
    if resolved is None or not resolved.issuperset(
            [claim["speaker"], *claim["agents"], *claim["patients"], *(step["source"] for step in chain)]):
        yield from _claim_refs(claim, base, in_document, ctx)
    for j, step in enumerate(chain[1:], start=1):
        if step["cue"] is None:
            yield Issue(ctx.file, pointer(*base, "attribution", j, "cue"), "cue-missing",
                        f"attribution step {j} ({step['source']!r}) has no cue span")
    if chain[0]["source"] != "author":
        yield Issue(ctx.file, pointer(*base, "attribution", 0, "source"), "attribution-not-rooted",
                    "the attribution chain must begin with 'author'")
    if chain[-1]["source"] != claim["speaker"]:
        yield Issue(ctx.file, pointer(*base, "speaker"), "speaker-mismatch",
                    f"speaker {claim['speaker']!r} is not the last source of the attribution chain "
                    f"({chain[-1]['source']!r})")
    if claim["speaker"] == "author" and claim["certainty"] == "reported":
        yield Issue(ctx.file, pointer(*base, "certainty"), "reported-without-source",
                    "a claim in the author's own voice has no source to be reported from: "
                    "use asserted (or hedged), or give its speaker and cue")
    if claim["speaker"] != "author" and claim["cue"] is None:
        yield Issue(ctx.file, pointer(*base, "cue"), "cue-missing",
                    f"claim attributed to {claim['speaker']!r} has no cue span")
    if len(chain) > 1 and claim["cue"] != chain[-1]["cue"]:
        yield Issue(ctx.file, pointer(*base, "cue"), "cue-mismatch",
                    "the claim's cue differs from the cue of the last attribution step")


def _claim_refs(claim, base, in_document, ctx) -> Iterator[Issue]:
    """A finding for every actor a claim refers to that the file or the registry lacks."""
    yield from _actor_ref(claim["speaker"], (*base, "speaker"), in_document, ctx)
    for role in ("agents", "patients"):
        for j, ref in enumerate(claim[role]):
            yield from _actor_ref(ref, (*base, role, j), in_document, ctx)
    for j, step in enumerate(claim["attribution"]):
        yield from _actor_ref(step["source"], (*base, "attribution", j, "source"), in_document, ctx)


def _stance_issues(stance, index, claim_ids, in_document, ctx, resolved=frozenset()) -> Iterator[Issue]:
    """The findings of one stance; ``resolved``: the file's :func:`_resolved_refs`, when known."""
    base = ("stances", index)
    if stance["holder"] not in resolved:
        yield from _actor_ref(stance["holder"], (*base, "holder"), in_document, ctx)
    target = stance["target"]
    if "actor" in target:
        if target["actor"] not in resolved:
            yield from _actor_ref(target["actor"], (*base, "target", "actor"), in_document, ctx)
        if target["actor"] == stance["holder"]:
            yield Issue(ctx.file, pointer(*base, "target"), "stance-self-target",
                        f"stance holder {stance['holder']!r} is also its target")
    elif target["claim"] not in claim_ids:
        yield Issue(ctx.file, pointer(*base, "target", "claim"), "unknown-claim",
                    f"stance target claim {target['claim']!r} is not a claim of this file")
