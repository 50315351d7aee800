"""``castcorpus anchor``: turn a draft's quotes into offsets and write the annotation file."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "anchor",
                      "Resolve the quotes of an annotation draft into offsets (a missing or ambiguous quote is an error).",
                      "castcorpus anchor drafts/annotator-1/my-doc.json --out corpus/annotations/my-doc.json")
    cmd.add_argument("draft", help="draft annotation file whose spans are {\"quote\": ..., \"occurrence\": n}")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "the anchored annotation file")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.annotation.anchor import anchor_draft
    from castcorpus.corpus.jsonio import dump_json, load_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.report import Issue
    loaded = load_json(Path(args.draft), args.draft)
    if loaded.value is None:
        return _fail(loaded.issues, 2)
    draft = loaded.value
    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        doc_id = draft.get("document") if isinstance(draft, dict) else None
        if not isinstance(doc_id, str):
            return _fail([Issue(args.draft, "/document", "unknown-document", "the draft names no document")], 2)
        meta = corpus.meta(doc_id)
        text = corpus.text(meta)
    except CorpusError as err:
        print(f"castcorpus anchor: {err}", file=sys.stderr)
        return 2
    if text is None:
        print(f"castcorpus anchor: the text of {doc_id} is not hydrated; run 'castcorpus hydrate' first", file=sys.stderr)
        return 2
    keep_text = corpus.collections[meta["collection"]]["redistributable"]
    anchored, issues = anchor_draft(draft, text, keep_text, file=args.draft)
    if issues:
        return _fail(issues, 1)
    anchored["text_sha256"] = meta["text_sha256"]
    if args.out:
        write_atomic(Path(args.out), dump_json(anchored))
    else:
        sys.stdout.write(dump_json(anchored))
    return 0


def _fail(issues, code: int) -> int:
    for issue in issues:
        print(issue.line(), file=sys.stderr)
    return code
