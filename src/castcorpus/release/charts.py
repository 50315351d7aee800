"""Bar charts of a :class:`~castcorpus.release.stats.Stats` as PNG files (matplotlib, Agg backend).

Needs the ``charts`` extra. The build draws them into ``charts/`` (:func:`write_charts`, an
extra writer) from the counts of the rows it wrote, the same counts as
:func:`~castcorpus.release.stats.release_stats` reads back from the Parquet files (tested), without
holding a config in memory; ``castcorpus datasheet`` draws the
repository's copies (docs/charts/) from the corpus. PNG metadata carries no software version
or date, so that redrawing the same counts gives the same bytes on one matplotlib version.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .stats import Stats, release_stats

#: Chart file names (without .png) and titles, in the order the card and datasheet show them.
CHARTS = {
    "claim-types": "Claims per type",
    "certainty": "Claims per certainty",
    "check-worthiness": "Claims per check-worthiness",
    "stance-polarity": "Stances per polarity",
    "actor-types": "Annotated actors per type (distinct actors)",
    "outlets-splits": "Documents per outlet and split",
}
_SPLITS = ("train", "validation", "test")
#: Pixels per inch, set on each figure rather than left to the user's matplotlib settings.
DPI = 100
_COLOURS = {"train": "#4477aa", "validation": "#ccbb44", "test": "#ee6677"}


def _figure_class():
    # The Figure class alone, not pyplot: no global figure manager or GUI backend to set up
    # (importing pyplot took about a second of each build); _save renders PNG with Agg.
    from matplotlib.figure import Figure

    return Figure


def _save(fig, path: Path) -> None:
    """Render ``fig`` with Agg into a PNG at ``path``, without software or date in its metadata.
    By the canvas's print_png rather than ``savefig``: after ``tight_layout`` savefig draws the
    figure once more to lay it out again (a quarter of the charts' drawing time; the same bytes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).print_png(path, metadata={"Software": None})


def _bars(Figure, title: str, counts: dict[str, int]):
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    fig = Figure(figsize=(6.4, 0.35 * max(len(items), 2) + 1.2), dpi=DPI)
    ax = fig.subplots()
    labels, values = [k for k, _ in items], [v for _, v in items]
    ax.barh(labels, values, color="#4477aa")
    ax.invert_yaxis()
    for y, value in enumerate(values):
        ax.text(value, y, f" {value}", va="center", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel("count")
    ax.margins(x=0.12)
    return fig


def _outlets(Figure, title: str, stats: Stats):
    outlets = sorted({o for o, _ in stats.outlet_split},
                     key=lambda o: (-sum(stats.outlet_split[(o, s)] for s in _SPLITS), o))
    fig = Figure(figsize=(6.4, 0.3 * max(len(outlets), 2) + 1.4), dpi=DPI)
    ax = fig.subplots()
    left = [0] * len(outlets)
    for split in _SPLITS:
        values = [stats.outlet_split[(o, split)] for o in outlets]
        ax.barh(outlets, values, left=left, label=split, color=_COLOURS[split])
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("documents (split by document group)")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def _counts(stats: Stats) -> dict[str, list]:
    """What each chart is drawn from, by chart name, as sorted lists (JSON, for its key)."""
    drawn = {"claim-types": stats.claim_types, "certainty": stats.certainty, "check-worthiness": stats.check_worthy,
             "stance-polarity": stats.polarity, "actor-types": stats.actor_types,
             "outlets-splits": [[outlet, split, count] for (outlet, split), count in stats.outlet_split.items()]}
    return {name: sorted(map(list, value.items())) if isinstance(value, dict) else sorted(value)
            for name, value in drawn.items()}


def chart_keys(stats: Stats) -> dict[str, str]:
    """SHA-256 of what each chart is drawn from (its title and counts), by release-relative
    path: the same key, the same chart (on one matplotlib version, which the build state's
    code key covers). Per chart, so that a change to some counts redraws only their charts
    (an added or removed document seldom changes the distinct actors' types)."""
    counts = _counts(stats)
    return {f"charts/{name}.png": hashlib.sha256(json.dumps([name, title, counts[name]]).encode("utf-8")).hexdigest()
            for name, title in CHARTS.items()}


def draw(stats: Stats, folder: str | Path, names: list[str] | None = None) -> list[Path]:
    """Draw the charts of ``stats`` into ``folder`` (those in ``names`` only, when given); the
    paths written, in :data:`CHARTS` order."""
    Figure = _figure_class()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"claim-types": stats.claim_types, "certainty": stats.certainty,
            "check-worthiness": stats.check_worthy, "stance-polarity": stats.polarity,
            "actor-types": stats.actor_types}
    paths = []
    for name, title in CHARTS.items():
        if names is not None and name not in names:
            continue
        fig = _outlets(Figure, title, stats) if name == "outlets-splits" else _bars(Figure, title, data[name])
        fig.tight_layout()
        path = folder / f"{name}.png"
        _save(fig, path)
        paths.append(path)
    return paths


def markdown(prefix: str) -> str:
    """Image links to the charts under ``prefix`` (e.g. ``charts`` or ``docs/charts``)."""
    return "\n\n".join(f"![{title}]({prefix}/{name}.png)" for name, title in CHARTS.items())


def write_charts(staging: Path, summary) -> None:
    """Extra writer of the build: charts of what the release holds, and a section in its card.
    Charts already in ``staging`` (an incremental build linked them from the previous release,
    drawn from the same counts) are kept, and only the others drawn: when none is missing,
    matplotlib is not even imported."""
    from .card import append_section

    try:
        stats = getattr(summary, "stats", None)  # counted by the build as it wrote the rows
        missing = [name for name in CHARTS if not (staging / "charts" / f"{name}.png").is_file()]
        if missing:
            draw(stats if stats is not None else release_stats(staging), staging / "charts", missing)
    except ImportError:  # matplotlib is an extra: the release is still complete without charts
        from castcorpus.report import Issue

        summary.issues.append(Issue("charts", "", "charts-skipped",
                                    "matplotlib is not installed (pip install 'castcorpus[charts]'); no charts drawn"))
        return
    append_section(staging / "README.md", "## Charts\n\nDrawn from this release's `documents` and `raw` "
                   "configs (documents whose text was not available are not counted).\n\n" + markdown("charts"))
