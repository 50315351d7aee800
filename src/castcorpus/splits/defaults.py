"""Defaults of the split tools that the command line shows in its help.

Kept apart from :mod:`castcorpus.splits.events` and :mod:`castcorpus.splits.near_duplicates`
(which re-export them) so that building the command-line parser imports neither module
(docs/benchmarks.md, start-up)."""

#: Days between two consecutive articles of one location that still chain them into one run.
DEFAULT_WINDOW = 3
#: Least Jaccard similarity of a near-duplicate pair (chosen in docs/splits.md).
THRESHOLD = 0.1
