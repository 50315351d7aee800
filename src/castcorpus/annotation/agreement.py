"""Inter-annotator agreement between independent passes (corpus/passes/<annotator>/).

Spans are compared as detection tasks (F1 of one pass against the other, which is symmetric):
exactly (same offsets) and by overlap (sharing at least one code point, matched one-to-one,
the pairs with the largest overlap first), as section 8.3 of the guidelines defines them.
Labels are compared on the items both passes found, with Krippendorff's alpha (nominal;
from the ``krippendorff`` package) and raw percentage agreement; pooled figures carry a 95%
bootstrap interval over documents.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from castcorpus.bootstrap import RESAMPLES, SEED, multiplicities, percentile_interval

#: Bootstrap resamples (of documents) for the intervals of pooled alphas, and their seed.
BOOTSTRAP_RESAMPLES = RESAMPLES
BOOTSTRAP_SEED = SEED
#: Documents whose hard cases the guidelines' worked examples settle: agreement on them is
#: reported apart, since it does not estimate agreement on unseen text.
GUIDELINE_EXAMPLE_DOCUMENTS = frozenset({"duran-2018-04-russian-airstrikes-damascus"})


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character-overlap Jaccard of two half-open spans."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def match_spans(left: list[tuple[int, int]], right: list[tuple[int, int]], exact: bool) -> list[tuple[int, int]]:
    """One-to-one matches (index pairs) between two span lists: exact, or greedy by overlap
    (any shared code point; the pairs with the largest Jaccard overlap are taken first)."""
    if exact:
        where = {span: j for j, span in enumerate(right)}
        return [(i, where[span]) for i, span in enumerate(left) if span in where]
    candidates = sorted(
        ((jaccard(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_left, used_right, pairs = set(), set(), []
    for score, i, j in candidates:
        if score == 0:  # no code point shared (section 8.3: one shared code point is a match)
            break
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def f1(matched: int, n_left: int, n_right: int) -> float | None:
    """Pairwise F1: 2 * matches / (items of both passes); None when both are empty."""
    total = n_left + n_right
    return 2 * matched / total if total else None


def nominal_alpha(pairs: list[tuple[Any, Any]]) -> float | None:
    """Krippendorff's alpha (nominal) for two coders over matched units; None if undefined."""
    import krippendorff

    if len(pairs) < 2:
        return None
    values = sorted({str(v) for pair in pairs for v in pair})
    if len(values) < 2:
        return 1.0  # one value only: every unit agrees (alpha's 0/0 read as perfect agreement)
    code = {v: float(i) for i, v in enumerate(values)}
    data = np.array([[code[str(a)] for a, _ in pairs], [code[str(b)] for _, b in pairs]])
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def bootstrap_alpha(per_document: list[list[tuple[Any, Any]]], resamples: int = BOOTSTRAP_RESAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> tuple[float, float] | None:
    """95% percentile interval of the pooled nominal alpha, resampling documents with
    replacement (items of one document are not independent); None when fewer than two
    documents have items or alpha is undefined in most resamples.

    The resamples are those of :func:`castcorpus.bootstrap.document_interval`, but alpha is
    computed from per-document sums (units, disagreements, value counts) with the closed form
    for two coders and no missing values, which equals :func:`nominal_alpha` (a test checks it
    against the krippendorff package): the package rebuilds a coincidence matrix per resample,
    which took minutes over a thousand resamples of the whole corpus."""
    documents = [pairs for pairs in per_document if pairs]
    if len(documents) < 2:
        return None
    values = sorted({str(v) for pairs in documents for pair in pairs for v in pair})
    index = {v: i for i, v in enumerate(values)}
    units = np.array([len(pairs) for pairs in documents], dtype=float)
    disagreements = np.array([sum(str(a) != str(b) for a, b in pairs) for pairs in documents], dtype=float)
    counts = np.zeros((len(documents), len(values)))
    for row, pairs in enumerate(documents):
        for pair in pairs:
            for value in pair:
                counts[row, index[str(value)]] += 1
    drawn = multiplicities(len(documents), resamples, seed)
    return percentile_interval(list(_alpha_from_sums(drawn @ units, drawn @ disagreements, drawn @ counts)),
                               resamples)


def _alpha_from_sums(units: np.ndarray, disagreements: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Nominal alpha for two coders from, per resample, the number of units, of disagreeing
    units and the count of each value over both coders: 1 - (n - 1) * 2D / (n^2 - sum n_c^2)
    with n = 2 * units. NaN for fewer than two units; 1 where only one value occurs."""
    n = 2 * units
    expected = n ** 2 - (counts ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(expected > 0, 1 - (n - 1) * 2 * disagreements / expected, 1.0)
    return np.where(units >= 2, alpha, np.nan)


def percent(pairs: list[tuple[Any, Any]]) -> float | None:
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None


@dataclass
class LayerAgreement:
    """Agreement on one layer (mentions, claims or stances) between two passes."""

    n_left: int
    n_right: int
    exact_f1: float | None
    partial_f1: float | None
    labels: dict[str, dict[str, float | None]] = field(default_factory=dict)
    exact_matches: int = 0
    partial_matches: int = 0
    # (left value, right value) of each label on the matched items, kept for pooling
    label_pairs: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict, repr=False)


def _spans(items, get) -> list[tuple[int, int]]:
    return [(get(x)["start"], get(x)["end"]) for x in items]


def _label_pairs(left, right, pairs, labels: dict[str, Callable[[Any], Any]]) -> dict[str, list[tuple[Any, Any]]]:
    return {name: [(get(left[i]), get(right[j])) for i, j in pairs] for name, get in labels.items()}


def _label_summary(label_pairs: dict[str, list[tuple[Any, Any]]]) -> dict[str, dict[str, float | None]]:
    return {name: {"n": len(values), "percent": percent(values), "alpha": nominal_alpha(values)}
            for name, values in label_pairs.items()}


def _make_layer(n_left, n_right, exact, partial, label_pairs) -> LayerAgreement:
    return LayerAgreement(n_left, n_right, f1(exact, n_left, n_right), f1(partial, n_left, n_right),
                          _label_summary(label_pairs), exact, partial, label_pairs)


def pool(layers: list[LayerAgreement]) -> LayerAgreement:
    """One layer's agreement over several documents: counts and label pairs added up."""
    label_pairs: dict[str, list] = {}
    for layer in layers:
        for name, values in layer.label_pairs.items():
            label_pairs.setdefault(name, []).extend(values)
    return _make_layer(sum(x.n_left for x in layers), sum(x.n_right for x in layers),
                       sum(x.exact_matches for x in layers), sum(x.partial_matches for x in layers), label_pairs)


def _layer(left, right, get_span, labels) -> tuple[LayerAgreement, list[tuple[int, int]]]:
    a, b = _spans(left, get_span), _spans(right, get_span)
    exact = match_spans(a, b, exact=True)
    partial = match_spans(a, b, exact=False)
    layer = _make_layer(len(a), len(b), len(exact), len(partial), _label_pairs(left, right, partial, labels))
    return layer, partial


def _mentions(annotation) -> list[dict]:
    return [{"span": m, "actor": entry["actor"]} for entry in annotation["actors"] for m in entry["mentions"]]


def compare(left: dict[str, Any], right: dict[str, Any]) -> dict[str, LayerAgreement]:
    """Agreement of two passes over the same document, layer by layer."""
    mentions, _ = _layer(_mentions(left), _mentions(right), lambda m: m["span"], {"actor": lambda m: m["actor"]})
    claim_labels = {
        "type": lambda c: c["type"],
        "certainty": lambda c: c["certainty"],
        "check_worthy": lambda c: c["check_worthy"],
        "speaker": lambda c: c["speaker"],
        "attribution": lambda c: " > ".join(step["source"] for step in c["attribution"]),
        "agents": lambda c: " ".join(sorted(c["agents"])),
        "patients": lambda c: " ".join(sorted(c["patients"])),
        "cluster": lambda c: c["cluster"] or "-",
        "other_clusters": lambda c: " ".join(sorted(c.get("other_clusters", []))) or "-",
        "cue": lambda c: "-" if c["cue"] is None else f"{c['cue']['start']}-{c['cue']['end']}",
    }
    claims, claim_pairs = _layer(left["claims"], right["claims"], lambda c: c["span"], claim_labels)
    return {"mentions": mentions, "claims": claims, "stances": _stances(left, right, claim_pairs)}


def _stances(left, right, claim_pairs) -> LayerAgreement:
    """Stances match when holder and target agree (claim targets through the claim matching)."""
    left_to_right = {left["claims"][i]["id"]: right["claims"][j]["id"] for i, j in claim_pairs}

    def key(stance, mapping):
        target = stance["target"]
        if "actor" in target:
            return stance["holder"], ("actor", target["actor"])
        claim = target["claim"] if mapping is None else mapping.get(target["claim"], "unmatched:" + target["claim"])
        resolved = ("claim", claim)
        return stance["holder"], resolved

    right_keys = {}
    for j, stance in enumerate(right["stances"]):
        right_keys.setdefault(key(stance, None), j)
    pairs = []
    for i, stance in enumerate(left["stances"]):
        j = right_keys.pop(key(stance, left_to_right), None)
        if j is not None:
            pairs.append((i, j))
    n_l, n_r = len(left["stances"]), len(right["stances"])
    label_pairs = _label_pairs(left["stances"], right["stances"], pairs,
                               {"polarity": lambda s: s["polarity"], "explicit": lambda s: s["explicit"]})
    return _make_layer(n_l, n_r, len(pairs), len(pairs), label_pairs)


def corpus_agreement(corpus) -> dict[str, dict[str, dict[str, LayerAgreement]]]:
    """Pairwise agreement for every document with two or more passes:
    ``{doc_id: {"annotator-1 vs annotator-2": {layer: LayerAgreement}}}``."""
    passes_root = corpus.layout.passes
    annotators = sorted(p.name for p in passes_root.iterdir() if p.is_dir()) if passes_root.is_dir() else []
    results: dict[str, dict[str, dict[str, LayerAgreement]]] = {}
    there = {annotator: _exists_in(passes_root / annotator) for annotator in annotators}
    for doc_id in corpus.document_ids():
        have = [a for a in annotators if there[a](f"{doc_id}.json")]
        loaded = {a: corpus.read(passes_root / a / f"{doc_id}.json") for a in have}
        for x, left in enumerate(have):
            for right in have[x + 1:]:
                results.setdefault(doc_id, {})[f"{left} vs {right}"] = compare(loaded[left], loaded[right])
    return results


def _exists_in(folder: Path) -> Callable[[str], bool]:
    """``lambda name: (folder / name).exists()``, answered from one listing of ``folder`` where
    it can be (an ``exists`` per document of a large corpus showed).

    A listed name that is no link exists. An ASCII name (document ids are) whose lower case is
    not among the lower-cased listed names cannot exist even on a case-insensitive file system,
    as long as every listed name is ASCII. Every other case (a link, which may dangle; a name
    listed under another case; a folder with a non-ASCII name in it, or one that cannot be
    listed) is asked of the system."""
    plain, lowered, all_ascii = set(), set(), True
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                all_ascii = all_ascii and entry.name.isascii()
                lowered.add(entry.name.lower())
                if not entry.is_symlink():
                    plain.add(entry.name)
    except OSError:  # a folder that can be searched but not listed: ask for each name
        plain, lowered, all_ascii = set(), set(), False

    def exists(name: str) -> bool:
        if name in plain:
            return True
        if all_ascii and name.isascii() and name.lower() not in lowered:
            return False
        return (folder / name).exists()
    return exists


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render_markdown(results, preface: str = "") -> str:
    """The agreement report as Markdown tables (one row per document, pair and layer).
    ``preface`` is Markdown placed before the tables (context a reader needs)."""
    lines = [
        "# Inter-annotator agreement",
        "",
        "Generated by `castcorpus agreement --out docs/agreement.md` from `corpus/passes/`; do not edit by hand.",
        "",
        "Span F1 is symmetric (2 x matches / items of both passes): exact = same offsets, partial = "
        "one-to-one matches of spans that share at least one code point, the largest overlaps first "
        "(guidelines 8.3). Label agreement is measured on partially matched items: raw agreement and "
        "Krippendorff's alpha (nominal; n/a when undefined, e.g. fewer than two items or a single value); "
        f"pooled alphas carry a 95% bootstrap interval ({BOOTSTRAP_RESAMPLES} resamples of documents, "
        "n/a with fewer than two documents). Stances match when holder and target agree "
        "(claim targets through the claim matching). Agents, patients, attribution chains and "
        "other_clusters are compared as whole values (the same set, the same chain); cues by their offsets.",
        "",
    ]
    if preface:
        lines += [preface.strip(), ""]
    if not results:
        return "\n".join(lines + ["No document has two independent passes yet.", ""])
    lines += _pooled_tables(results)
    lines += ["## Per document", "", "| document | passes | layer | items (a / b) | exact F1 | partial F1 |", "|---|---|---|---|---|---|"]
    for doc_id, pairs in sorted(results.items()):
        for pair, layers in sorted(pairs.items()):
            for name, layer in layers.items():
                lines.append(f"| {doc_id} | {pair} | {name} | {layer.n_left} / {layer.n_right} | "
                             f"{_fmt(layer.exact_f1)} | {_fmt(layer.partial_f1)} |")
    lines += ["", "| document | passes | layer | label | matched items | agreement | alpha |", "|---|---|---|---|---|---|---|"]
    for doc_id, pairs in sorted(results.items()):
        for pair, layers in sorted(pairs.items()):
            for name, layer in layers.items():
                for label, value in layer.labels.items():
                    lines.append(f"| {doc_id} | {pair} | {name} | {label} | {value['n']} | "
                                 f"{_fmt(value['percent'])} | {_fmt(value['alpha'])} |")
    return "\n".join(lines) + "\n"


def _pooled_tables(results) -> list[str]:
    """Agreement pooled over all documents, and over those the guidelines do not discuss."""
    unseen = {doc: pairs for doc, pairs in results.items() if doc not in GUIDELINE_EXAMPLE_DOCUMENTS}
    return (_pooled_table("Pooled over all double-annotated documents", results)
            + _pooled_table("Pooled over documents the guidelines' examples do not discuss", unseen))


def _pooled_table(title: str, results) -> list[str]:
    layers: dict[str, list[LayerAgreement]] = {}
    for pairs in results.values():
        for per_layer in pairs.values():
            for name, layer in per_layer.items():
                layers.setdefault(name, []).append(layer)
    if not results:
        return [f"## {title}", "", "None yet.", ""]
    lines = [f"## {title}", "",
             "| layer | documents | items (a / b) | exact F1 | partial F1 | label | matched | agreement | alpha | alpha 95% CI |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, group in layers.items():
        pooled = pool(group)
        for label, value in pooled.labels.items():
            interval = bootstrap_alpha([layer.label_pairs.get(label, []) for layer in group])
            ci = "n/a" if interval is None else f"{interval[0]:.2f} to {interval[1]:.2f}"
            lines.append(f"| {name} | {len(group)} | {pooled.n_left} / {pooled.n_right} | {_fmt(pooled.exact_f1)} | "
                         f"{_fmt(pooled.partial_f1)} | {label} | {value['n']} | {_fmt(value['percent'])} | "
                         f"{_fmt(value['alpha'])} | {ci} |")
    return lines + [""]


#: Labels the dataset card reports agreement on (layer, label).
CARD_LABELS = (("claims", "type"), ("claims", "certainty"), ("claims", "check_worthy"), ("claims", "speaker"),
               ("stances", "polarity"))


def card_section(results, resamples: int = 200) -> str:
    """A short Markdown section for the dataset card: pooled agreement on the documents the
    guidelines do not discuss, with bootstrap intervals (fewer resamples than the report's)."""
    unseen = {doc: pairs for doc, pairs in results.items() if doc not in GUIDELINE_EXAMPLE_DOCUMENTS}
    lines = ["## Annotation and agreement", "",
             "Every annotation was made by language-model annotators working from the codebook "
             "(docs/guidelines.md in the repository), single or in two independent passes merged by an "
             "adjudicator; no human annotator has reviewed them yet (see DATASHEET.md). "]
    if not unseen:
        return "\n".join(lines + ["No document has two independent passes yet.", ""])
    layers: dict[str, list[LayerAgreement]] = {}
    for pairs in unseen.values():
        for per_layer in pairs.values():
            for name, layer in per_layer.items():
                layers.setdefault(name, []).append(layer)
    lines[-1] += (f"Agreement between two independent passes, pooled over {len(unseen)} double-annotated "
                  "documents that the codebook's examples do not discuss (Krippendorff's alpha, nominal, "
                  "95% bootstrap interval over documents); it bounds what a model can be expected to reach, "
                  "and measures consistency with the codebook, not accuracy against human judgement.")
    lines += ["", "| layer | label | matched items | raw agreement | alpha | 95% interval |", "|---|---|---:|---:|---:|---|"]
    for layer_name, label in CARD_LABELS:
        group = layers.get(layer_name, [])
        pooled = pool(group) if group else None
        if pooled is None or label not in pooled.labels:
            continue
        value = pooled.labels[label]
        interval = bootstrap_alpha([g.label_pairs.get(label, []) for g in group], resamples)
        ci = "n/a" if interval is None else f"{interval[0]:.2f} to {interval[1]:.2f}"
        lines.append(f"| {layer_name} | {label} | {value['n']} | {_fmt(value['percent'])} | {_fmt(value['alpha'])} | {ci} |")
    claims = pool(layers["claims"]) if "claims" in layers else None
    if claims is not None:
        lines += ["", f"Claim spans: F1 {_fmt(claims.exact_f1)} exact, {_fmt(claims.partial_f1)} by overlap."]
    return "\n".join(lines) + "\n"
