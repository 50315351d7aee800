"""The build's dataset-card section of baseline scores, computed on the staged release."""

from __future__ import annotations

#: The baselines a build runs for its card: the fast ones (the embedding baseline is optional
#: and slow; its numbers are in docs/baselines.md when it was run).
CARD_BASELINES = ("majority", "tfidf-lr")


def write_card_section(staging, summary) -> None:
    """Extra writer of the build: run the fast baselines on the staged release and add their
    scores, with the release's fingerprint, to its dataset card."""
    # Imported here: the scorer imports the build module, which imports this one.
    from .baselines import run_all
    from .baselines_report import card_section
    from .card import append_section
    from .report import Issue

    try:
        results = run_all(staging, baselines=CARD_BASELINES)
    except Exception as err:  # the release is complete without this section; say why it is absent
        summary.issues.append(Issue("README.md", "", "baselines-skipped", f"baselines not computed: {err}"))
        return
    append_section(staging / "README.md", card_section(results, summary.fingerprint))
