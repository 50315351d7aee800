"""Deriving a release's rows in the validator's single pass over the corpus.

:class:`PassDeriver` is the ``on_document`` callback the build gives
:func:`castcorpus.validate.validate`. For each checked document it records what split
assignment needs and, as long as nothing is wrong with the corpus so far, derives the
document's rows (:func:`castcorpus.views.document_rows`) and stages them
(:mod:`castcorpus.stage`). Once a finding is made the build will refuse the corpus, so
deriving stops: rows are only ever derived from documents, annotations and registries that
passed every check. Findings about hydrated copies in the cache are the exception: such a
document is left out of the release, with the finding as the reason.
"""

from __future__ import annotations

import gc
from pathlib import Path

from .corpus import Corpus, hydrated_text_path
from .features import CONFIGS, encode_labels, features
from .report import Issue
from .rowcache import RowCache, registry_hash, row_key
from .splits import SplitCollector
from .stage import StagedConfig
from .stats import ReleaseCounter
from .validate import CheckedDocument
from .views import Registries, document_rows

#: Documents between explicit collections while the cyclic collector is paused.
COLLECT_EVERY = 5_000
#: Why a document without an available text is left out, when no finding says more.
NOT_HYDRATED = "text not available (external and not hydrated)"


class PassDeriver:
    """Collects split anchors and staged rows of every document the validator has checked.

    ``stage_dir`` receives one staging file per config. After the pass, :attr:`positions`
    lists the ids of the documents with rows, in the order their rows were staged.
    """

    def __init__(self, corpus_root: Path, cache_dir: Path, stage_dir: Path, rows_cache: RowCache,
                 progress=None):
        self.corpus_root, self.cache_dir, self.stage_dir = corpus_root, cache_dir, stage_dir
        self.rows_cache, self.progress = rows_cache, progress
        self.collector = SplitCollector()
        self.staged: dict[str, StagedConfig] = {}
        self.positions: list[str] = []
        self.missing_text: list[tuple[str, str]] = []  # (document id, collection)
        self.issues: list[Issue] = []  # findings made while deriving rows (not validation's)
        self.counter = ReleaseCounter()
        self.annotated = 0
        self.clean = True
        self._seen_issues = 0
        self._registries: tuple[Registries, str] | None = None

    def __call__(self, doc: CheckedDocument) -> None:
        self.collector.add(doc.meta, doc.annotation)
        if self.progress is not None:
            self.progress.update()
        if not self._still_clean(doc.report):
            return
        if doc.text is None:
            self.missing_text.append((doc.meta["id"], doc.meta["collection"]))
            return
        rows, issues = self._rows(doc)
        self.issues.extend(issues)
        position = len(self.positions)
        self.positions.append(doc.meta["id"])
        self.annotated += doc.annotation is not None
        for base in CONFIGS:
            for row in rows.get(base, ()):
                if base == "documents":
                    self.counter.add(base, row)
                self._staged(base).add(encode_labels(base, row), position)
        if len(self.positions) % COLLECT_EVERY == 0:
            gc.collect()  # whatever cyclic garbage the libraries left, now and then

    def cache_finding(self, issue: Issue) -> bool:
        """Whether a finding is about a hydrated copy in the cache (not about the corpus)."""
        return Path(issue.file).is_relative_to(self.cache_dir)

    def left_out(self, report_issues: list[Issue]) -> list[tuple[str, str]]:
        """``(document id, reason)`` of the documents without text, the reason from the
        findings about their hydrated copy when there are any."""
        by_file: dict[str, list[Issue]] = {}
        for issue in report_issues:
            by_file.setdefault(issue.file, []).append(issue)
        left = []
        for doc_id, collection in self.missing_text:
            found = by_file.get(str(hydrated_text_path(self.cache_dir, collection, doc_id)), [])
            left.append((doc_id, "; ".join(f"{i.code}: {i.message}" for i in found) or NOT_HYDRATED))
        return left

    def discard(self) -> None:
        """Delete every staging file (after a failure, or once the rows are written)."""
        for staged in self.staged.values():
            staged.discard()

    def _still_clean(self, report) -> bool:
        if self.clean:
            new = report.issues[self._seen_issues:]
            self._seen_issues = len(report.issues)
            self.clean = all(self.cache_finding(issue) for issue in new)
            if not self.clean:
                self.discard()  # the build will refuse the corpus: staged rows are of no use
        return self.clean

    def _staged(self, base: str) -> StagedConfig:
        staged = self.staged.get(base)
        if staged is None:
            staged = self.staged[base] = StagedConfig(self.stage_dir / f"{base}.arrows",
                                                      features(base).arrow_schema)
        return staged

    def _rows(self, doc: CheckedDocument):
        reg, registries = self._registries_of_corpus()
        meta, annotation, text = doc.meta, doc.annotation, doc.text
        if annotation is None:  # a raw row is cheap: caching it would only copy the text
            return document_rows(meta, None, text, reg, "")
        file = f"annotations/{meta['id']}.json"
        if not self.rows_cache.enabled:
            return document_rows(meta, annotation, text, reg, file)
        key = row_key(meta, annotation, text, registries)
        cached = self.rows_cache.get(key)
        if cached is not None:
            return cached
        rows, issues = document_rows(meta, annotation, text, reg, file)
        self.rows_cache.put(key, rows, issues)
        return rows, issues

    def _registries_of_corpus(self) -> tuple[Registries, str]:
        # Read once the registries have passed their checks (a finding before the first
        # document means nothing is derived at all).
        if self._registries is None:
            corpus = Corpus(self.corpus_root, cache_dir=self.cache_dir)
            self._registries = (Registries(corpus.actors, corpus.outlets),
                                registry_hash(corpus.actors, corpus.outlets))
        return self._registries
