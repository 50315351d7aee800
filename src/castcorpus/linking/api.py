"""Candidates from the Wikidata API: ``wbsearchentities`` on every name of an entry, then
``wbgetentities`` for the items found (labels, aliases, descriptions, P31, P17, P27)."""

from __future__ import annotations

from .client import ApiClient
from .items import ISO_ALPHA2, Item, claim_values, item_of
from .targets import Target


class ApiSource:
    """Candidate items, class labels and country codes asked of the API."""

    def __init__(self, client: ApiClient, language: str = "en", limit: int = 7):
        self.client, self.language, self.limit = client, language, limit
        self._codes: dict[str, str | None] = {}

    def describe(self) -> dict:
        return {"kind": "api", "endpoint": self.client.endpoint, "language": self.language}

    def prepare(self, targets) -> None:
        """Nothing to read ahead: the API is asked entry by entry."""

    def find(self, target: Target) -> list[Item]:
        """The items the search finds for any of the target's names, in the order found."""
        qids: dict[str, None] = {}
        for name in target.names:
            qids.update(dict.fromkeys(self.client.search(name, self.language, self.limit)))
        found = self.client.entities(qids, self.language)
        return [item_of(found[q], self.language) for q in qids if q in found]

    def class_labels(self, qids: set[str]) -> dict[str, str]:
        """Labels of the classes ``qids`` (one request per 50)."""
        found = self.client.entities(sorted(qids), self.language, props="labels")
        labels = {q: item_of({**e, "id": q}, self.language).label for q, e in found.items()}
        return {q: label for q, label in labels.items() if label}

    def country_codes(self, qids: set[str]) -> dict[str, str]:
        """ISO 3166-1 alpha-2 codes (P297) of the items ``qids`` that have one, each asked once."""
        for qid in sorted(set(qids) - set(self._codes)):
            codes = claim_values(self.client.claims(qid, ISO_ALPHA2), ISO_ALPHA2)
            self._codes[qid] = codes[0] if codes else None
        return {q: self._codes[q] for q in qids if self._codes.get(q)}
