"""``castcorpus export label-studio`` and ``castcorpus import label-studio``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from castcorpus.cli import options
from castcorpus.cli.commands import add_command

FORMAT = "label-studio"


def register_export(formats) -> None:
    """Add ``export label-studio``."""
    cmd = add_command(formats, FORMAT,
                      "Write a Label Studio labeling config (config.xml) and tasks (tasks.json) pre-filled from "
                      "annotation files.",
                      "castcorpus export label-studio --document duran-2018-04-russian-airstrikes-damascus --out ls/")
    cmd.add_argument("--document", nargs="+", metavar="ID", help="documents to export (default: every annotated one)")
    cmd.add_argument("--prefill", choices=("annotations", "predictions"), default="annotations",
                     help="put the annotations in as annotations to correct, or as predictions to accept "
                          "(default: annotations)")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "folder for config.xml and tasks.json", metavar="DIR", required=True)
    cmd.set_defaults(func=run_export)


def register_import(formats) -> None:
    """Add ``import label-studio``."""
    cmd = add_command(formats, FORMAT,
                      "Turn a Label Studio JSON export of tasks made by 'castcorpus export label-studio' into "
                      "annotation files; nothing is written when any task has a finding.",
                      "castcorpus import label-studio project-1-export.json --out corpus/annotations")
    cmd.add_argument("export", help="Label Studio's JSON export (a list of tasks)")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "folder the annotation files (<document>.json) are written to", metavar="DIR", required=True)
    options.json(cmd, "the findings")
    cmd.set_defaults(func=run_import)


def run_export(args) -> int:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.interop.labelstudio.exporting import ExportError, export

    try:
        made = export(Corpus(args.corpus, cache_dir=args.cache), args.document, args.prefill)
    except (CorpusError, ExportError) as err:
        print(f"castcorpus export {FORMAT}: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    write_atomic(out / "config.xml", made.config)
    write_atomic(out / "tasks.json", dump_json(made.tasks))
    print(f"wrote {out / 'config.xml'} and {out / 'tasks.json'} ({len(made.tasks)} tasks)")
    if made.third_party:
        print(f"note: tasks.json holds the text of {len(made.third_party)} document(s) the repository may not "
              "redistribute; keep it out of git and share it only as their licence allows", file=sys.stderr)
    return 0


def run_import(args) -> int:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.interop.labelstudio.importing import ExportUnreadable, import_tasks, read_export

    try:
        tasks = read_export(Path(args.export), args.export)
        imported = import_tasks(tasks, Corpus(args.corpus, cache_dir=args.cache), args.export)
    except ExportUnreadable as err:
        _print(err.issues, args.json)
        return 2
    except CorpusError as err:
        print(f"castcorpus import {FORMAT}: {err}", file=sys.stderr)
        return 2
    if imported.issues:
        _print(imported.issues, args.json)
        return 1
    for doc, annotation in imported.annotations.items():
        write_atomic(Path(args.out) / f"{doc}.json", dump_json(annotation))
    if args.json:
        print(json.dumps({"written": sorted(imported.annotations), "issues": []}))
    else:
        print(f"wrote {len(imported.annotations)} annotation file(s) to {args.out}")
    return 0


def _print(issues, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"written": [], "issues": [issue.__dict__ for issue in issues]}, ensure_ascii=False))
    else:
        for issue in issues:
            print(issue.line())
