"""``castcorpus hydrate fa-kes``: bring the FA-KES texts into the cache, verified by hash.

The source is ``--from PATH``, or with ``--download`` the Zenodo address in
``corpus/collections.json`` (saved into the cache), or else a copy already in the cache.
``--write-documents`` first (re)generates ``corpus/documents/fa-kes-*.json`` from the file;
without it the corpus folder is only read. Exit 0 when every text was hydrated, 1 when some
text does not match its document, 2 when the source cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "hydrate",
                      "Bring the texts of an external collection (FA-KES) into the local cache and verify every hash.",
                      "castcorpus hydrate fa-kes --from ../shared/fa-kes/FA-KES-Dataset.csv")
    cmd.add_argument("collection", choices=["fa-kes"], help="the external collection to hydrate")
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--from", dest="source", metavar="PATH", help="a local copy of the published file")
    source.add_argument("--download", action="store_true",
                        help="download the published file (Zenodo) into the cache first")
    options.cache(cmd)
    options.corpus(cmd)
    cmd.add_argument("--write-documents", action="store_true",
                     help="(re)generate corpus/documents/fa-kes-*.json from the file before verifying")
    options.json(cmd)
    cmd.add_argument("--quiet", action="store_true", help="no progress bar, no anomaly summary (errors still print)")
    options.verbose(cmd, "anomaly note")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import default_cache_dir
    from castcorpus.sources.download import DownloadError  # ftfy, the CSV reader and the downloader: only when it runs
    from castcorpus.sources.fakes.reader import FakesFormatError
    from castcorpus.sources.fakes.hydrate import HydrateError, hydrate_fakes

    cache = Path(args.cache) if args.cache else default_cache_dir()
    try:
        source = _source(args, cache)
        result = hydrate_fakes(source, Path(args.corpus), cache, documents=args.write_documents)
    except (HydrateError, DownloadError, FakesFormatError) as err:
        print(f"castcorpus hydrate: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(result.to_json())
    else:
        for issue in (result.anomalies if args.verbose else []) + result.errors:
            print(issue.line())
        if not args.quiet and not args.verbose and result.anomalies:
            print(anomaly_summary(result.anomalies))
        print(f"{result.source}: {result.rows} rows, {len(result.written)} text(s) written, "
              f"{len(result.unchanged)} unchanged, {len(result.documents_written)} document(s) written, "
              f"{len(result.anomalies)} anomaly note(s), {len(result.errors)} error(s); cache {cache}",
              file=sys.stderr)
    return 0 if result.ok else 1


def anomaly_summary(anomalies) -> str:
    """Anomaly notes counted by code, with where to find the full list."""
    return options.counts_by_code(anomalies, "anomalies of the source file", "docs/fa-kes-audit.md")


def _source(args, cache: Path) -> Path:
    """The file to hydrate from, downloading it first when asked."""
    from castcorpus.sources.download import download
    from castcorpus.sources.fakes.hydrate import HydrateError, cached_source, collection_file, local_source, read_verified

    if not args.download:
        return local_source(Path(args.corpus), cache, args.source, args.collection)
    spec = collection_file(Path(args.corpus), args.collection)
    cached = cached_source(cache, spec, args.collection)
    if cached.exists():
        try:
            read_verified(cached, spec)
            return cached  # already downloaded and intact: nothing to fetch
        except HydrateError:
            pass
    return download(spec["url"], cached, spec["sha256"], spec["bytes"], progress=not args.quiet)
