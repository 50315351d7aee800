"""The split ledger (corpus/splits.json): frozen splits for every document.

A hash rule (:mod:`castcorpus.splits.assign`) can place a new document, but it cannot balance a
small corpus: ten annotated articles on one event make one group, which lands in one split.
The ledger fixes every document's split once, balanced over the strata a user evaluates on,
and then never moves it:

* :func:`freeze` assigns every group (whole events, near-duplicate texts, claim clusters,
  repeated records) to train / validation / test, about 70/15/15 of the documents, greedily:
  the largest groups first, each to the split whose target share of the group's strata (year,
  outlet camp, FA-KES location, annotated or not, reporting an event that three or more outlets
  report) is least filled. Whole outlets
  are assigned the same way in the outlet hold-out scheme, with the test split drawn from
  more than one camp.
* :func:`extend` places documents new to the corpus: with their group when it is already in
  the ledger, else by the hash rule; nothing already in the ledger moves.
* :func:`move` is the only way an assignment changes: it moves a whole group (or outlet), and
  the command that calls it records the move in CHANGELOG.md.
* :func:`ledger_issues` is the validator's check: the ledger lists every document once and no
  group or outlet spans two splits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Iterable, Iterator

from castcorpus.report import Issue, pointer
from .assign import OUTLET_BANDS, SPLITS, SplitCollector, split_of

#: Target share of documents per split, in SPLITS order.
TARGETS = (0.70, 0.15, 0.15)
#: How much more an annotated document weighs than an unannotated one when balancing.
ANNOTATED_WEIGHT = 4.0
#: An event reported by this many outlets is a cross-outlet event, balanced across splits.
MULTI_OUTLETS = 3
#: Collections whose documents the guidelines use as worked examples: always in train.
CODEBOOK_COLLECTIONS = ("cast-seed",)
#: In the outlet scheme the test split must hold outlets of at least this many camps.
MIN_TEST_CAMPS = 2

RULE = ("standard: documents that report one event (reports_on), share a text, a FA-KES unit_id or a claim "
        "cluster, or form a near-duplicate pair (near-duplicates.json) are one group; groups were assigned "
        "largest first to the split whose target share of their strata (year, outlet camp, FA-KES location, "
        "annotated, cross-outlet event) was least filled, aiming at 70/15/15 of the documents; the seed, whose "
        "annotations the codebook quotes, is pinned to train. by_outlet: whole outlets, assigned the same way "
        "by camp, with test holding outlets of two camps or more. Documents added later join their group's "
        "split, else the hash rule of castcorpus.splits; an assignment changes only by 'castcorpus splits move', "
        "recorded in CHANGELOG.md.")  # kept word for word: corpus/splits.json holds this text


def _hash(key: str) -> str:
    import hashlib  # here: `castcorpus --help` imports this module, and hashlib loads OpenSSL

    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _members(groups: dict[str, str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, group in sorted(groups.items()):
        members[group].append(doc_id)
    return members


def _greedy(units: dict[str, Counter], totals: Counter, pinned: dict[str, str] | None = None) -> dict[str, str]:
    """Assign each unit (a Counter of weighted strata) to a split, largest first, each to the
    split whose target share of the unit's strata is least filled; ``pinned`` units first, to
    the split they are pinned to."""
    filled = {split: Counter() for split in SPLITS}
    chosen = {}
    for unit, split in sorted((pinned or {}).items()):
        chosen[unit] = split
        filled[split].update(units[unit])
    for unit in sorted(units, key=lambda u: (-units[u]["*"], _hash(u))):
        if unit in chosen:
            continue
        strata = units[unit]

        def deficit(index: int) -> float:
            # The unfilled fraction of each stratum's target in this split: relative to the
            # target, so that a small split competes for large groups as much as train does.
            split = SPLITS[index]
            return sum(weight * (1 - filled[split][f] / (TARGETS[index] * totals[f]))
                       for f, weight in strata.items() if totals[f])

        best = max(range(len(SPLITS)), key=lambda i: (deficit(i), -i))
        chosen[unit] = SPLITS[best]
        filled[SPLITS[best]].update(strata)
    return chosen


def _strata(info: dict[str, Any]) -> Counter:
    weight = ANNOTATED_WEIGHT if info["annotated"] else 1.0
    c = Counter({"*": 1.0, f"year:{info['year']}": 1.0, f"camp:{info['camp']}": 1.0,
                 f"place:{info['place']}": 1.0})
    if info.get("multi_outlet"):  # reports an event that three or more outlets report
        c["multi-outlet"] = 2.0
    if info["annotated"]:
        c["annotated"] = weight
        c[f"annotated-camp:{info['camp']}"] = weight
    return c


def freeze(info: dict[str, dict[str, Any]], groups: dict[str, str], date: str) -> dict[str, Any]:
    """A new ledger. ``info`` gives each document's ``year``, ``camp``, ``place``, ``outlet``
    (its voice) and ``annotated``; ``groups`` its group key (:meth:`SplitCollector.groups`)."""
    units: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for doc_id, group in groups.items():
        strata = _strata(info[doc_id])
        units[group].update(strata)
        totals.update(strata)
    # Codebook documents go to train: the guidelines' worked examples quote their annotations.
    pinned = {groups[d]: "train" for d in groups if info[d].get("codebook")}
    standard = _greedy(units, totals, pinned)
    by_outlet = _freeze_outlets(info)
    entries = [{"id": doc_id, "group": groups[doc_id], "standard": standard[groups[doc_id]],
                "by_outlet": by_outlet[info[doc_id]["outlet"]]} for doc_id in sorted(groups)]
    return {"schema_version": "1.0", "license": "CC-BY-4.0", "frozen": date, "rule": RULE, "documents": entries}


def _freeze_outlets(info: dict[str, dict[str, Any]]) -> dict[str, str]:
    units: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    camp_of = {}
    for doc in info.values():
        strata = Counter({"*": 1.0, f"camp:{doc['camp']}": 1.0})
        if doc["annotated"]:
            strata["annotated"] = ANNOTATED_WEIGHT
        units[doc["outlet"]].update(strata)
        totals.update(strata)
        camp_of[doc["outlet"]] = doc["camp"]
    chosen = _greedy(units, totals, {doc["outlet"]: "train" for doc in info.values() if doc.get("codebook")})
    # Cross-outlet evaluation within one camp says little: if test holds outlets of too few
    # camps, the smallest train outlet of a missing camp joins it.
    while len(test_camps := {camp_of[o] for o, s in chosen.items() if s == "test" and camp_of[o]}) < MIN_TEST_CAMPS:
        candidates = [o for o, s in chosen.items() if s == "train" and camp_of[o] and camp_of[o] not in test_camps]
        if not candidates:
            break  # fewer camps than that in the whole corpus
        chosen[min(candidates, key=lambda o: (units[o]["*"], _hash(o)))] = "test"
    return chosen


def extend(ledger: dict[str, Any], collector: SplitCollector, linked: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Add the documents ``collector`` recorded that the ledger lacks (in place); their ids.

    A new document takes the standard split of its group when a document of the group is in
    the ledger already, else the hash rule's; it takes its outlet's split when the outlet is in
    the ledger, else the outlet hash rule's. Entries already in the ledger never change."""
    entries = ledger["documents"]
    known = {e["id"]: e for e in entries}
    groups = collector.groups(linked)
    split_of_group = {groups[e["id"]]: e["standard"] for e in entries if e["id"] in groups}
    split_of_outlet = {collector.voices[e["id"]]: e["by_outlet"] for e in entries if e["id"] in collector.voices}
    added = []
    for doc_id, _ in collector.pairs:
        if doc_id in known:
            continue
        group, voice = groups[doc_id], collector.voices[doc_id]
        standard = split_of_group.setdefault(group, split_of(group))
        outlet = split_of_outlet.setdefault(voice, split_of(f"outlet:{voice}", OUTLET_BANDS))
        known[doc_id] = {"id": doc_id, "group": group, "standard": standard, "by_outlet": outlet}
        added.append(doc_id)
    ledger["documents"] = [known[doc_id] for doc_id in sorted(known)]
    return added


def move(ledger: dict[str, Any], collector: SplitCollector, doc_id: str, scheme: str, to: str,
         linked: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Move ``doc_id`` with its whole group (standard) or outlet (by_outlet) to split ``to``,
    in place; the ids moved. Raises ValueError for an unknown document, scheme or split."""
    if scheme not in ("standard", "by_outlet") or to not in SPLITS:
        raise ValueError(f"scheme must be standard or by_outlet and the split one of {', '.join(SPLITS)}")
    entries = {e["id"]: e for e in ledger["documents"]}
    if doc_id not in entries:
        raise ValueError(f"document {doc_id!r} is not in the ledger")
    if scheme == "standard":
        groups = collector.groups(linked)
        together = [d for d, g in groups.items() if g == groups.get(doc_id)] or [doc_id]
    else:
        together = [d for d, v in collector.voices.items() if v == collector.voices.get(doc_id)] or [doc_id]
    moved = sorted(d for d in together if d in entries and entries[d][scheme] != to)
    for d in moved:
        entries[d][scheme] = to
    return moved


def ledger_issues(entries: list[dict[str, Any]], collector: SplitCollector, linked: Iterable[tuple[str, str]] = (),
                  file: str = "splits.json") -> Iterator[Issue]:
    """The ledger lists every document once, names no unknown one, and splits no group or outlet."""
    index: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry["id"] in index:
            yield Issue(file, pointer("documents", i, "id"), "split-ledger-duplicate",
                        f"document {entry['id']!r} is listed already (entry {index[entry['id']]})")
        else:
            index[entry["id"]] = i
    recorded = {doc_id for doc_id, _ in collector.pairs}
    missing = sorted(recorded - index.keys())
    for doc_id in missing:
        yield Issue(file, "/documents", "split-ledger-stale",
                    f"document {doc_id!r} has no split in the ledger: run 'castcorpus splits add'")
    for doc_id in sorted(index.keys() - recorded):
        yield Issue(file, pointer("documents", index[doc_id], "id"), "split-ledger-unknown-document",
                    f"there is no document {doc_id!r} in documents/")
    yield from _leaks(entries, index, collector.groups(linked), "standard", "split-group-leak", "group", file)
    yield from _leaks(entries, index, collector.voices, "by_outlet", "split-outlet-leak", "outlet", file)


def _leaks(entries, index, unit_of: dict[str, str], scheme: str, code: str, what: str, file: str) -> Iterator[Issue]:
    by_unit: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc_id, unit in unit_of.items():
        if doc_id in index:
            by_unit[unit][entries[index[doc_id]][scheme]].append(doc_id)
    for unit in sorted(by_unit):
        splits = by_unit[unit]
        if len(splits) < 2:
            continue
        # Report the documents outside the split most of the unit is in.
        main = max(SPLITS, key=lambda s: (len(splits.get(s, [])), -SPLITS.index(s)))
        others = sorted((d, s) for s, ids in splits.items() if s != main for d in ids)
        for doc_id, split in others:
            yield Issue(file, pointer("documents", index[doc_id], scheme), code,
                        f"document {doc_id!r} is in {split} but the rest of its {what} {unit!r} is in {main}")


def strata(corpus) -> dict[str, dict[str, Any]]:
    """What :func:`freeze` balances, for every document of a corpus: year, camp of its outlet,
    place (the FA-KES location, else the first event's place), voice outlet and whether it is
    annotated."""
    from .assign import voice_outlet

    metas = {doc_id: corpus.meta(doc_id) for doc_id in corpus.document_ids()}
    outlets_of: dict[str, set[str]] = defaultdict(set)
    for meta in metas.values():
        for key in meta.get("reports_on", []):
            outlets_of[key].add(meta["outlet"])
    info = {}
    for doc_id, meta in metas.items():
        record = meta.get("source_record") or {}
        events = [corpus.events.get(key, {}) for key in meta.get("reports_on", [])]
        place = record.get("location") or (events[0].get("place") if events else None)
        info[doc_id] = {"year": meta["published"]["value"][:4], "camp": corpus.outlets[meta["outlet"]].get("camp"),
                        "place": place, "outlet": voice_outlet(meta),
                        "multi_outlet": any(len(outlets_of[k]) >= MULTI_OUTLETS for k in meta.get("reports_on", [])),
                        "annotated": corpus.layout.annotations.joinpath(f"{doc_id}.json").exists(),
                        "codebook": meta["collection"] in CODEBOOK_COLLECTIONS}
    return info


def record_move(changelog: str, line: str) -> str:
    """``changelog`` (CHANGELOG.md's text) with ``line`` added under "Splits moved" of the
    "Unreleased" section, which is made when missing."""
    head, unreleased, moved = "## Unreleased", "### Splits moved", f"- {line}"
    if head not in changelog:
        first = changelog.find("\n## ")
        at = len(changelog) if first < 0 else first + 1
        changelog = changelog[:at] + f"{head}\n\n{unreleased}\n\n{moved}\n\n" + changelog[at:]
        return changelog
    start = changelog.index(head)
    end = changelog.find("\n## ", start + len(head))
    end = len(changelog) if end < 0 else end + 1
    section = changelog[start:end]
    if unreleased in section:
        section = section.replace(f"{unreleased}\n\n", f"{unreleased}\n\n{moved}\n", 1)
    else:
        section = section.rstrip("\n") + f"\n\n{unreleased}\n\n{moved}\n\n"
    return changelog[:start] + section + changelog[end:]
