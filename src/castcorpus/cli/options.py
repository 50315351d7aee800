"""The options several commands share, declared once so that each is spelt, defaulted and
explained the same way everywhere: ``--corpus``, ``--cache``, ``--out``, ``--jobs``, ``--json``,
``--verbose``.

Only the standard library and :mod:`castcorpus.release.jobs` are imported here: building the
parser for ``castcorpus --help`` must stay fast.
"""

from __future__ import annotations

import argparse

from castcorpus.release.jobs import MAX_DEFAULT_JOBS

#: The corpus folder when ``--corpus`` is not given.
DEFAULT_CORPUS = "corpus"


def corpus(cmd: argparse.ArgumentParser, purpose: str = "corpus folder", legacy_positional: bool = False) -> None:
    """``--corpus DIR``. With ``legacy_positional``, the corpus may also come as the command's
    positional argument, as ``validate``, ``build`` and ``datasheet`` took it before there was one
    spelling; it is left out of the help, and :func:`resolve` merges it into ``args.corpus``."""
    cmd.add_argument("--corpus", metavar="DIR", default=None, help=f"{purpose} (default: ./{DEFAULT_CORPUS})")
    if legacy_positional:
        cmd.add_argument("legacy_corpus", nargs="?", metavar="CORPUS", help=argparse.SUPPRESS)


def cache(cmd: argparse.ArgumentParser) -> None:
    """``--cache DIR``: where hydrated external texts are (and the build's row cache)."""
    cmd.add_argument("--cache", metavar="DIR",
                     help="castcorpus cache: hydrated texts of external collections, and the build's row cache "
                          "(default: $CASTCORPUS_CACHE, else the user cache folder)")


def out(cmd: argparse.ArgumentParser, what: str, metavar: str = "FILE", default: str | None = None,
        required: bool = False, shown_default: str | None = None) -> None:
    """``--out FILE`` or ``--out DIR``: where the command writes ``what``; ``shown_default`` is
    what the help says when the command picks the default itself (``default`` left None)."""
    if default or shown_default:
        where = f"(default: {default or shown_default})"
    elif required:
        where = "(required)"
    else:
        where = "(default: standard output)"
    cmd.add_argument("--out", metavar=metavar, default=default, required=required, help=f"{what} {where}")


def jobs(cmd: argparse.ArgumentParser) -> None:
    """``--jobs N``: the build's workers; the default is measured by :class:`castcorpus.release.jobs.IdleCores`."""
    cmd.add_argument("--jobs", "-j", type=_positive, metavar="N",
                     help="worker processes that check and derive documents, then threads that write Parquet "
                          f"(default: one per core that other processes leave idle, at most {MAX_DEFAULT_JOBS}; "
                          "1 builds in this process; "
                          "under 2,000 documents or with --row-cache documents are always checked in this process)")


def verbose(cmd: argparse.ArgumentParser, what: str) -> None:
    """``--verbose``: list every one of ``what`` as ``file:pointer: code: message`` instead of a
    count per code."""
    cmd.add_argument("--verbose", action="store_true",
                     help=f"print every {what} as file:pointer: code: message (default: a count per code)")


def counts_by_code(issues, what: str, explained_in: str) -> str:
    """``what`` counted by code, most frequent first, with where the full list and the codes'
    meanings are: the summary commands print unless ``--verbose``."""
    from collections import Counter

    counts = Counter(issue.code for issue in issues)
    lines = [f"  {code}: {n}" for code, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    return f"{what}, by code (--verbose lists each; {explained_in} explains them):\n" + "\n".join(lines)


def json(cmd: argparse.ArgumentParser, what: str = "the result") -> None:
    """``--json``: print ``what`` as JSON instead of text."""
    cmd.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def resolve(args: argparse.Namespace) -> str | None:
    """Fill ``args.corpus`` (the legacy positional form, or the default); the error message when
    the corpus is given both ways, else None."""
    legacy = getattr(args, "legacy_corpus", None)
    if getattr(args, "corpus", "absent") == "absent":
        return None  # the command takes no corpus
    if legacy is not None and args.corpus is not None:
        return f"the corpus is given twice ({legacy!r} and --corpus {args.corpus!r}); give --corpus only"
    args.corpus = args.corpus or legacy or DEFAULT_CORPUS
    return None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (1 or more)")
    return int(value)
