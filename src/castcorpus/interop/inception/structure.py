"""What INCEpTION expects of a type system and a CAS, checked without INCEpTION.

INCEpTION is a Java web application; it cannot run in the test suite. These checks restate the
rules its own code applies, so that an export that passes them is one INCEpTION can open:

- :func:`layer_kind`: how INCEpTION's layer import (its type system analysis) classifies a type:
  a *span* layer is a subtype of ``uima.tcas.Annotation`` whose own features are primitives or
  string arrays; a *relation* layer has exactly two other features, named ``Governor`` and
  ``Dependent``, of one range that is an annotation type; built-in UIMA types, document
  annotations, Sentence and Token are no layers.
- :func:`cas_problems`: the invariants INCEpTION's consistency checks ("CAS doctor") demand:
  one DocumentMetaData; no empty or overlapping sentences and tokens; every annotation begins
  and ends inside a sentence and on a visible character; a relation spans its Dependent and both
  of its ends are annotations of the CAS.
"""

from __future__ import annotations

from . import typesystem as T

_BUILT_IN_FEATURES = {"sofa", "begin", "end"}
_NOT_LAYERS = {T.SENTENCE, T.TOKEN}


def _own_features(ts, type_name: str) -> list:
    return [f for f in ts.get_type(type_name).all_features if f.name not in _BUILT_IN_FEATURES]


def _is_value(ts, feature) -> bool:
    return ts.is_primitive(feature.rangeType) or feature.rangeType.name == T.STRINGS


def layer_kind(ts, type_name: str) -> str | None:
    """``span``, ``relation`` or ``None`` (no layer), as INCEpTION's layer import decides."""
    annotation, document = ts.get_type(T.ANNOTATION), ts.get_type(T.DOCUMENT_ANNOTATION)
    kind = ts.get_type(type_name)
    if type_name.startswith("uima.tcas.") or type_name in _NOT_LAYERS or ts.subsumes(document, kind):
        return None
    if not ts.subsumes(annotation, kind):
        return None
    features = _own_features(ts, type_name)
    references = [f for f in features if not _is_value(ts, f)]
    if (len(references) == 2 and {f.name for f in references} == {T.GOVERNOR, T.DEPENDENT}
            and references[0].rangeType.name == references[1].rangeType.name
            and ts.subsumes(annotation, references[0].rangeType)):
        return "relation"
    return "span" if not references else None


def cas_problems(cas) -> list[str]:
    """Every way in which ``cas`` breaks what INCEpTION's consistency checks demand."""
    text = cas.sofa_string or ""
    problems = []
    metadata = list(cas.select(T.METADATA))
    if len(metadata) != 1:
        problems.append(f"{len(metadata)} DocumentMetaData annotations (INCEpTION needs exactly one)")
    sentences = sorted(cas.select(T.SENTENCE), key=lambda s: s.begin)
    for kind, items in (("sentence", sentences), ("token", sorted(cas.select(T.TOKEN), key=lambda t: t.begin))):
        for before, after in zip(items, items[1:]):
            if after.begin < before.end:
                problems.append(f"{kind}s overlap at {after.begin}")
        problems += [f"empty {kind} at {item.begin}" for item in items if item.begin >= item.end]
    starts = [s.begin for s in sentences]
    in_cas = {fs.xmiID for fs in cas.select_all_fs()}
    for fs in cas.select(T.ANNOTATION):
        name = fs.type.name
        if name in (T.METADATA, T.SENTENCE, T.TOKEN):
            continue
        problems += _span_problems(fs, text, sentences, starts)
        if cas.typesystem.contains_type(name) and layer_kind(cas.typesystem, name) == "relation":
            problems += _relation_problems(fs, in_cas)
    return problems


def _span_problems(fs, text: str, sentences: list, starts: list[int]) -> list[str]:
    import bisect

    out = []
    for offset, inclusive_end in ((fs.begin, False), (fs.end, True)):
        i = bisect.bisect_right(starts, offset - (1 if inclusive_end else 0)) - 1
        sentence = sentences[i] if i >= 0 else None
        if sentence is None or not (sentence.begin <= offset <= sentence.end):
            out.append(f"{fs.type.short_name} {fs.xmiID} has an edge ({offset}) outside every sentence")
    if fs.begin < fs.end and (text[fs.begin].isspace() or text[fs.end - 1].isspace()):
        out.append(f"{fs.type.short_name} {fs.xmiID} starts or ends on whitespace")
    return out


def _relation_problems(fs, in_cas: set[int]) -> list[str]:
    governor, dependent = fs.get(T.GOVERNOR), fs.get(T.DEPENDENT)
    if governor is None or dependent is None or governor.xmiID not in in_cas or dependent.xmiID not in in_cas:
        return [f"{fs.type.short_name} {fs.xmiID} has a dangling end"]
    if (fs.begin, fs.end) != (dependent.begin, dependent.end):
        return [f"{fs.type.short_name} {fs.xmiID} does not span its Dependent"]
    return []
