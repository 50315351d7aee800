"""castcorpus: validate, build and score the CAST-Syria corpus of claims, actors and stances.

The public API is what this module names (README.md, "Using the library", has an example of
each); everything else is private by convention and may move between versions:

- :func:`validate` checks a corpus folder and returns a :class:`Report` of :class:`Issue` s;
  :class:`ValidationRun` is the same check in steps.
- :func:`build` validates and writes the release folder (Parquet configs, card, Croissant).
- :func:`score` scores a predictions file against a release, as ``castcorpus evaluate`` does.
- :class:`Corpus` reads a corpus folder: ``documents()`` eagerly, ``iter_documents()`` one
  document at a time.
- :class:`CorpusError`, :class:`BuildError` and :class:`ReleaseError` are what they raise
  when the input is unusable.

Importing the package imports none of this: each name is imported on first use, so that
``import castcorpus`` and ``castcorpus --help`` stay fast (datasets, pyarrow and scikit-learn
take seconds to import).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:
    from .corpus.reader import Corpus, CorpusError
    from .release.build import BuildError, BuildSummary
    from .report import Issue, Report
    from .scoring.evaluation import Evaluation
    from .scoring.references import ReleaseError
    from .validation.run import ValidationRun

__all__ = ["BuildError", "Corpus", "CorpusError", "Issue", "ReleaseError", "Report", "ValidationRun", "__version__",
           "build", "score", "validate"]

#: Public classes, by the module that defines them (imported when first asked for).
_LAZY = {
    "Corpus": "castcorpus.corpus.reader",
    "CorpusError": "castcorpus.corpus.reader",
    "BuildError": "castcorpus.release.build",
    "Issue": "castcorpus.report",
    "Report": "castcorpus.report",
    "ReleaseError": "castcorpus.scoring.references",
    "ValidationRun": "castcorpus.validation.run",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # the next look-up is an ordinary attribute
        return value
    raise AttributeError(f"module 'castcorpus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def validate(corpus: str | Path = "corpus", *, cache: str | Path | None = None) -> Report:
    """Validate the corpus folder ``corpus`` and return the :class:`Report` of every finding.

    ``cache`` is where hydrated external texts are looked for (default: the user cache). Raises
    :class:`CorpusError` when ``corpus`` is not a corpus folder at all; anything wrong inside it
    is an :class:`Issue` of the report (``report.valid`` is True when there is none).
    """
    from .validation.run import validate as run

    return run(corpus, cache_dir=cache)


def build(corpus: str | Path = "corpus", out: str | Path = "dist/cast-syria", *, cache: str | Path | None = None,
          jobs: int | None = None, progress: bool = False, force: bool = False) -> BuildSummary:
    """Validate ``corpus`` and build the release into ``out``, as ``castcorpus build`` does; the
    summary of what was written (rows per config and split, documents left out, fingerprint).

    The release is the command's, card baselines included. ``jobs`` workers check and derive
    documents and write Parquet (default: one per core that other processes leave idle, at most 8;
    1 builds in this process;
    a corpus of 2,000 documents or more is then checked in worker processes, and a script that
    builds one needs the ``if __name__ == "__main__":`` guard of multiprocessing). A build whose inputs have not
    changed is skipped unless ``force``. Raises :class:`BuildError` (with ``.report``) when the
    corpus is invalid, :class:`CorpusError` when it is unusable; the previous release is then
    untouched.
    """
    from .release.build import build_release
    from .scoring.card_baselines import write_card_section

    return build_release(corpus, out, cache_dir=cache, jobs=jobs, progress=progress, force=force,
                         writers=[write_card_section])


def score(predictions: str | Path, *, config: str, release: str | Path = "dist/cast-syria",
          split: str = "test") -> Evaluation:
    """Score a predictions file (JSON Lines, ``schema/predictions-<task>.schema.json``) against
    ``split`` of ``config`` in the release folder ``release``, as ``castcorpus evaluate`` does.

    The outcome has either ``issues`` (the file is not valid: nothing is scored) or ``result``
    (the scores). Raises :class:`ReleaseError` when the release has no such config or split,
    and ``OSError`` when the file cannot be read.
    """
    from .scoring.evaluation import evaluate

    return evaluate(release, config, split, predictions)
