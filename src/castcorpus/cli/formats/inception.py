"""``castcorpus export inception`` and ``castcorpus import inception``: UIMA CAS XMI for INCEpTION."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from castcorpus.cli.commands import add_command

_MISSING = ("castcorpus {}: needs the Python package 'dkpro-cassis', which is not installed; "
            "install the extra that provides it: pip install 'castcorpus[interop]'")


def register_export(subparsers) -> None:
    cmd = add_command(subparsers, "inception",
                      "Write annotated documents as UIMA CAS XMI with the layers' TypeSystem.xml, for INCEpTION's "
                      "'UIMA CAS XMI (XML 1.0)' import (docs/interop.md).",
                      "castcorpus export inception duran-2018-04-russian-airstrikes-damascus --out inception.zip")
    cmd.add_argument("documents", nargs="*", metavar="DOC",
                     help="ids of the documents to export (default: every document with a gold annotation file)")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "folder, or zip file when it ends in .zip, for the XMI files and TypeSystem.xml",
                metavar="DIR", required=True)
    options.json(cmd, "the findings")
    cmd.set_defaults(func=run_export, command="export inception")


def register_import(subparsers) -> None:
    cmd = add_command(subparsers, "inception",
                      "Read UIMA CAS XMI files (an export of castcorpus or of INCEpTION) back into annotation files; "
                      "nothing is written when there is a finding.",
                      "castcorpus import inception inception.zip --out drafts/annotator-1")
    cmd.add_argument("source", metavar="PATH", help="folder or zip file holding .xmi files and their TypeSystem.xml")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "folder for the annotation files (<document>.json)", metavar="DIR", required=True)
    options.json(cmd, "the findings")
    cmd.set_defaults(func=run_import, command="import inception")


def run_export(args) -> int:
    if not _cassis_installed(args):
        return 2
    from castcorpus.interop.inception import files, roundtrip, typesystem
    from castcorpus.corpus.reader import Corpus, CorpusError

    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        doc_ids = args.documents or [d for d in corpus.document_ids() if corpus.annotation(d) is not None]
        documents, issues = roundtrip.export_documents(corpus, doc_ids)
    except (CorpusError, roundtrip.TextUnavailable) as err:
        print(f"castcorpus {args.command}: {err}", file=sys.stderr)
        return 2
    if issues:
        return _findings(args, issues, len(doc_ids))
    files.write_bundle(Path(args.out), documents, typesystem.typesystem_xml())
    if args.json:
        return _findings(args, [], len(doc_ids))
    print(f"wrote {len(documents)} XMI files and {files.TYPESYSTEM} to {args.out}")
    external = [d for d in documents if not corpus.collections.get(corpus.meta(d)["collection"], {}).get("redistributable")]
    if external:
        print(f"note: {len(external)} of them hold texts the corpus may not redistribute; "
              "keep the export out of the repository and do not share it", file=sys.stderr)
    return 0


def run_import(args) -> int:
    if not _cassis_installed(args):
        return 2
    from castcorpus.interop.inception import files, roundtrip
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError

    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        bundle = files.read_bundle(Path(args.source))
        annotations, issues = roundtrip.import_bundle(bundle, corpus)
    except (CorpusError, files.BundleError, roundtrip.TextUnavailable, OSError) as err:
        print(f"castcorpus {args.command}: {err}", file=sys.stderr)
        return 2
    if issues:
        return _findings(args, issues, len(bundle.xmi))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for doc_id, annotation in sorted(annotations.items()):
        write_atomic(out / f"{doc_id}.json", dump_json(annotation))
    if args.json:
        return _findings(args, [], len(bundle.xmi))
    print(f"wrote {len(annotations)} annotation files to {args.out}")
    return 0


def _cassis_installed(args) -> bool:
    """True when dkpro-cassis can be imported; else says which extra provides it."""
    try:
        import cassis  # noqa: F401
    except ImportError:
        print(_MISSING.format(args.command), file=sys.stderr)
        return False
    return True


def _findings(args, issues, files_checked: int) -> int:
    """Print the findings (as JSON with --json); 1 when there are any."""
    from castcorpus.report import Report

    report = Report(issues=list(issues), files_checked=files_checked)
    if args.json:
        print(report.to_json())
    else:
        for line in report.lines():
            print(line, file=sys.stderr)
    return 1 if issues else 0
