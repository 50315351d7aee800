"""The dataset card's section of baseline scores, computed on the staged release.

A hook of the build (:func:`castcorpus.release.build.build_release`'s ``writers``), wired by
``castcorpus build`` and :func:`castcorpus.build`: the build itself does not import the scorer.
"""

from __future__ import annotations

#: The baselines a build runs for its card: the fast ones (the embedding baseline is optional
#: and slow; its numbers are in docs/baselines.md when it was run).
CARD_BASELINES = ("majority", "tfidf-lr")
#: Above this many sentence rows, training baselines would dominate the build's time and memory
#: (on a 20,000-document synthetic corpus they took more CPU than everything else together):
#: the card then points to `castcorpus baseline` instead.
MAX_SENTENCE_ROWS = 50_000


def write_card_section(staging, summary) -> None:
    """Extra writer of the build: run the fast baselines on the staged release and add their
    scores, with the release's fingerprint, to its dataset card."""
    from castcorpus.report import Issue

    sentences = sum(summary.rows.get("sentences", {}).values())
    if sentences > MAX_SENTENCE_ROWS:
        summary.issues.append(Issue("README.md", "", "baselines-skipped",
                                    f"{sentences} sentence rows: too many to train baselines during the build; "
                                    "run castcorpus baseline --all on the release"))
        return
    # Imported here, and only when the baselines run: scikit-learn takes seconds to import, and
    # `castcorpus build` imports this module to hand the writer to the build.
    from .baselines import run_all
    from .baselines_report import card_section
    from castcorpus.release.card import append_section

    try:
        results = run_all(staging, baselines=CARD_BASELINES)
    except Exception as err:  # the release is complete without this section; say why it is absent
        summary.issues.append(Issue("README.md", "", "baselines-skipped", f"baselines not computed: {err}"))
        return
    append_section(staging / "README.md", card_section(results, summary.fingerprint))
