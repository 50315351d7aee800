"""Events: proposing groups of articles that report one event, for a person to review.

FA-KES gives each article a location (a governorate city) and a date. ``propose`` chains the
articles of one location whose dates lie within ``window`` days of each other (single linkage:
a run continues while each next article is at most ``window`` days after the previous one).
A run is a *proposal*, not an event: a reviewer reads the texts and splits a run into the events
it holds, or joins runs that report one attack. The reviewed events are kept in
``corpus/events.json`` and each document names its events in ``reports_on``; docs/events.md
gives the rule and the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from .defaults import DEFAULT_WINDOW  # noqa: F401 (days that still chain two articles; re-exported)


@dataclass
class Proposal:
    """A run of articles from one location whose consecutive dates are at most ``window`` apart."""

    key: str
    location: str
    first: str
    last: str
    documents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "location": self.location, "first": self.first, "last": self.last,
                "documents": self.documents}


def _dated(meta: dict[str, Any]) -> tuple[str, dt.date] | None:
    record = meta.get("source_record") or {}
    location, date = record.get("location"), record.get("date")
    if not location or not date or len(date) != 10:
        return None
    return location, dt.date.fromisoformat(date)


def propose(metas: Iterable[dict[str, Any]], window: int = DEFAULT_WINDOW) -> list[Proposal]:
    """Runs of articles by source-record location and date, in location and date order.

    Documents without a full source-record date or location are left out (the caller lists them).
    """
    by_location: dict[str, list[tuple[dt.date, str]]] = {}
    for meta in metas:
        dated = _dated(meta)
        if dated:
            by_location.setdefault(dated[0], []).append((dated[1], meta["id"]))
    proposals = []
    for location in sorted(by_location):
        proposals.extend(_runs(location, sorted(by_location[location]), window))
    return proposals


def _runs(location: str, dated: list[tuple[dt.date, str]], window: int) -> list[Proposal]:
    runs: list[list[tuple[dt.date, str]]] = []
    for date, doc_id in dated:
        if runs and (date - runs[-1][-1][0]).days <= window:
            runs[-1].append((date, doc_id))
        else:
            runs.append([(date, doc_id)])
    slug = location.replace(" ", "-")
    return [Proposal(f"{slug}-{run[0][0].isoformat()}", location, run[0][0].isoformat(),
                     run[-1][0].isoformat(), [doc_id for _, doc_id in run]) for run in runs]


def proposal_summary(proposals: list[Proposal]) -> dict[str, int]:
    """Counts a reviewer wants first: runs, articles, runs of three or more articles, longest run."""
    sizes = [len(p.documents) for p in proposals]
    return {"runs": len(sizes), "documents": sum(sizes),
            "runs_of_3_or_more": sum(1 for s in sizes if s >= 3),
            "documents_in_runs_of_3_or_more": sum(s for s in sizes if s >= 3),
            "longest_run": max(sizes, default=0)}
