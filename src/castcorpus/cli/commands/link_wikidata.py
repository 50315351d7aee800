"""``castcorpus link-wikidata``: propose Wikidata items for unlinked registry entries, and
write the QIDs a reviewer accepted (``--accept REVIEW_FILE --reviewer annotator-N``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command

_NAME = "castcorpus link-wikidata"


def register(subparsers) -> None:
    cmd = add_command(subparsers, "link-wikidata",
                      "Propose Wikidata items for registry entries without a QID (from the API or a local dump) "
                      "into a review file; with --accept, write the QIDs a reviewer accepted into the registries.",
                      "castcorpus link-wikidata --corpus corpus --contact you@example.org --out review.json\n"
                      "  castcorpus link-wikidata --corpus corpus --dump subset.json.gz --out review.json\n"
                      "  castcorpus link-wikidata --corpus corpus --accept review.json --reviewer annotator-7")
    options.corpus(cmd)
    options.out(cmd, "the review file (JSON) the proposals are written to", shown_default="required when proposing")
    options.json(cmd, "the summary and the findings")
    cmd.add_argument("--registries", default="actors,outlets", type=_registries, metavar="LIST",
                     help="registries to link, comma-separated: actors, outlets, places (default: actors,outlets)")
    cmd.add_argument("--key", action="append", metavar="KEY", help="link only this entry (repeatable)")
    cmd.add_argument("--dump", metavar="FILE",
                     help="read candidates from a local Wikidata JSON dump or subset (.json, .json.gz, .json.bz2) "
                          "instead of the API")
    cmd.add_argument("--language", default="en", metavar="CODE", help="language of labels and aliases (default: en)")
    cmd.add_argument("--candidates", type=_count, default=5, metavar="N", help="candidates kept per entry (default: 5)")
    api = cmd.add_argument_group("API etiquette")
    api.add_argument("--contact", metavar="EMAIL_OR_URL",
                     help="how Wikimedia can reach you, added to the User-Agent (its policy asks for one)")
    api.add_argument("--search-limit", type=_count, default=7, metavar="N", help="search results per name (default: 7)")
    api.add_argument("--maxlag", type=_count, default=5, metavar="S",
                     help="maxlag sent with every request: the servers refuse work while lagging more (default: 5)")
    api.add_argument("--retries", type=_count_or_zero, default=3, metavar="N",
                     help="retries after HTTP 429/503 or maxlag, waiting as Retry-After says (default: 3)")
    api.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for an answer (default: 30)")
    review = cmd.add_argument_group("accepting a review")
    review.add_argument("--accept", metavar="REVIEW_FILE", help="write the accepted proposals of this review file")
    review.add_argument("--reviewer", metavar="annotator-N", help="the reviewer's pseudonym, recorded in sources")
    cmd.set_defaults(func=run)


def _registries(value: str) -> tuple[str, ...]:
    from castcorpus.linking.targets import REGISTRIES

    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in REGISTRIES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{value!r}: choose among {', '.join(REGISTRIES)}")
    return names


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return int(value)


def _count_or_zero(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 0 or more")
    return int(value)


def run(args, opener=None) -> int:
    """Propose, or with ``--accept`` accept; ``opener`` replaces the HTTP opener (tests)."""
    if args.accept:
        return _accept(args)
    if args.reviewer:
        return _usage("--reviewer goes with --accept")
    if not args.out:
        return _usage("give --out FILE: the review file a reviewer edits")
    return _propose(args, opener)


def _usage(message: str) -> int:
    print(f"{_NAME}: {message}", file=sys.stderr)
    return 2


def _propose(args, opener) -> int:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.report import Issue
    from castcorpus.linking.client import ENDPOINT, ApiClient, WikidataError
    from castcorpus.linking.review import propose
    from castcorpus.linking.targets import read_registries, targets

    files, problems = read_registries(Path(args.corpus), args.registries)
    if problems:
        return _report(args, problems, {}, 2)
    wanted = targets(files, args.registries, set(args.key) if args.key else None)
    if args.dump:
        from castcorpus.linking.dump import DumpSource

        source = DumpSource(args.dump, args.language)
    else:
        from castcorpus.linking.api import ApiSource

        client = ApiClient(opener, contact=args.contact, maxlag=args.maxlag, retries=args.retries, timeout=args.timeout)
        source = ApiSource(client, args.language, args.search_limit)
    try:
        review, warnings = propose(wanted, source, keep=args.candidates)
    except WikidataError as err:
        where = args.dump or ENDPOINT
        return _report(args, [Issue(where, "", err.code, f"{err}; nothing was written")], {}, 2)
    write_atomic(Path(args.out), dump_json(review))
    proposals = review["proposals"]
    summary = {"out": args.out, "entries": len(proposals),
               "with_candidates": sum(1 for p in proposals if p["candidates"]), "no_candidate": len(warnings)}
    return _report(args, warnings, summary, 0)


def _accept(args) -> int:
    from castcorpus.corpus.jsonio import load_json, write_atomic
    from castcorpus.linking.accept import REVIEWER, accept

    if not args.reviewer or not REVIEWER.match(args.reviewer):
        return _usage("--accept needs --reviewer annotator-<n>, the pseudonym recorded with each QID")
    loaded = load_json(Path(args.accept), args.accept)
    if loaded.value is None:
        return _report(args, loaded.issues, {}, 2)
    result = accept(loaded.value, args.accept, Path(args.corpus), args.reviewer)
    if result.issues:
        return _report(args, result.issues, {"written": []}, 1)
    for name, text in sorted(result.files.items()):
        write_atomic(Path(args.corpus) / name, text)
    summary = {"written": sorted(result.files), "linked": [list(x) for x in result.linked],
               "already_linked": result.unchanged}
    return _report(args, [], summary, 0)


def _report(args, issues: list[Issue], summary: dict, code: int) -> int:
    from dataclasses import asdict
    if args.json:
        print(json.dumps({**summary, "issues": [asdict(i) for i in issues]}, indent=2, ensure_ascii=False))
        return code
    for issue in issues:
        print(issue.line(), file=sys.stderr if code == 0 else sys.stdout)
    if "linked" in summary:
        for registry, key, qid in summary["linked"]:
            print(f"{registry}: {key}: linked to {qid}")
        print(f"{_NAME}: {len(summary['linked'])} QID(s) written to {', '.join(summary['written']) or 'nothing'}"
              f" ({summary['already_linked']} accepted before)", file=sys.stderr)
    elif "entries" in summary:
        print(f"{_NAME}: {summary['entries']} unlinked entries, {summary['with_candidates']} with candidates, "
              f"written to {summary['out']}; review it, set 'accepted', then run --accept", file=sys.stderr)
    return code
