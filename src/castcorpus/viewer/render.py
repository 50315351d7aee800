"""Static HTML viewer of the corpus: an index page and one page per annotated document.

The output works offline from ``file://``: no server, no network, CSS and JavaScript inline.
Documents whose text may not be redistributed are rendered only from the local hydration
cache; the output folder then holds third-party text, so it gets ``NOTICE.txt`` saying so and
a ``.gitignore`` that keeps git from picking it up. Documents whose text is not available are
listed on the index with the command that hydrates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castcorpus.corpus.jsonio import write_atomic
from castcorpus.corpus.reader import Corpus, CorpusError, default_cache_dir
from .document import document_view
from .index import NO_SPLIT, DocInfo, charts, document_splits, rows
from .palette import css_variables

VIEWER = Path(__file__).parent / "templates"
PAGES = "documents"
NOTICE = """THIRD-PARTY TEXT - DO NOT COMMIT

This folder was written by `castcorpus render` and holds the full text of documents that the
CAST-Syria repository does not store ({count} document(s): {ids}), read from your local
hydration cache. They are FA-KES articles: third-party text, published under CC BY 4.0 by the
FA-KES authors (Abu Salem et al., 2019; Zenodo, doi:10.5281/zenodo.2607278). The repository
keeps only their hashes, facts and standoff annotations, so never commit this folder (the
.gitignore beside this file keeps git from adding it); if you share it elsewhere, the licence
asks you to credit FA-KES and the outlets that published the articles.
"""


class RenderError(Exception):
    """The render cannot be done (unknown document id, no templating library)."""


@dataclass
class RenderResult:
    """What :func:`render` wrote."""

    index: Path
    pages: dict[str, Path] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)  # doc id -> why not rendered
    third_party: list[str] = field(default_factory=list)  # rendered docs holding third-party text
    notice: Path | None = None


def _environment():
    try:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined
    except ImportError as err:  # jinja2 is in the 'viewer' extra
        raise RenderError("jinja2 is missing; install the extra: pip install 'castcorpus[viewer]'") from err
    env = Environment(loader=FileSystemLoader(VIEWER), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(css=(VIEWER / "viewer.css").read_text(encoding="utf-8") + "\n" + css_variables(),
                       js=(VIEWER / "viewer.js").read_text(encoding="utf-8"))
    return env


def hydrate_hint(corpus: Corpus, meta: dict[str, Any]) -> str:
    """The command that brings a document's text into the cache."""
    cache = "" if corpus.cache_dir == default_cache_dir() else f" --cache {corpus.cache_dir}"
    return f"castcorpus hydrate {meta['collection']} --from FILE{cache}   (or --download)"


def _scan(corpus: Corpus, wanted: list[str] | None) -> tuple[list[DocInfo], list[str]]:
    ids = corpus.document_ids()
    unknown = sorted(set(wanted or []) - set(ids))
    if unknown:
        raise RenderError(f"no such document: {', '.join(unknown)}")
    docs = [DocInfo(corpus.meta(i), corpus.annotation(i)) for i in ids]
    targets = list(dict.fromkeys(wanted)) if wanted else [d.meta["id"] for d in docs if d.annotation]
    return docs, targets


def render(corpus: Corpus, out: Path, doc_ids: list[str] | None = None) -> RenderResult:
    """Render the index and the pages of ``doc_ids`` (default: every annotated document)."""
    env = _environment()
    docs, targets = _scan(corpus, doc_ids)
    by_id = {d.meta["id"]: d for d in docs}
    splits = document_splits(docs)
    result = RenderResult(index=out / "index.html")
    for doc_id in targets:
        info = by_id[doc_id]
        try:
            text = corpus.text(info.meta)
        except CorpusError as err:
            text, info.missing = None, f"text unusable ({err}); hydrate again: {hydrate_hint(corpus, info.meta)}"
        if text is None:
            info.missing = info.missing or f"text not hydrated; run: {hydrate_hint(corpus, info.meta)}"
            result.unavailable[doc_id] = info.missing
            continue
        view = document_view(corpus, info.meta, info.annotation, text, splits.get(doc_id, NO_SPLIT))
        if view["third_party"]:
            # The guard goes in before any third-party page, so a crash cannot leave one unguarded.
            write_atomic(out / ".gitignore", "# castcorpus render output holds third-party text: never commit it\n*\n")
        path = out / PAGES / f"{doc_id}.html"
        write_atomic(path, env.get_template("document.html.j2").render(doc=view))
        info.page = f"{PAGES}/{doc_id}.html"
        result.pages[doc_id] = path
        if view["third_party"]:
            result.third_party.append(doc_id)
    shown = [by_id[i] for i in targets]
    write_atomic(result.index, env.get_template("index.html.j2").render(
        rows=rows(corpus, shown, splits), charts=charts(corpus, docs), third_party=result.third_party,
        unannotated=sum(1 for d in docs if not d.annotation), total=len(docs), splits_known=bool(splits)))
    if result.third_party:
        result.notice = out / "NOTICE.txt"
        write_atomic(result.notice, NOTICE.format(count=len(result.third_party), ids=", ".join(result.third_party)))
    return result
