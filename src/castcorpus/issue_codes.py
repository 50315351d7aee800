"""Every issue code castcorpus reports: its severity, what it means, and the test case that shows it.

An :class:`~castcorpus.report.Issue` carries a stable kebab-case ``code``; this module is the
one list of them. ``docs/errors.md`` is generated from it (``castcorpus error-codes --out
docs/errors.md``), and ``tests/test_issue_codes.py`` fails when the source emits a code that is
not listed here, or when a listed code has no case that shows it.

Severity: an ``error`` makes the input invalid (``validate`` exits 1, ``build`` refuses the
corpus, ``evaluate`` scores nothing, ``anchor`` and ``import`` write nothing); a ``warning`` is reported and
the command carries on (a build leaves a span out of one token config, hydration reports a
defect of the published file, a gold file was made under older guidelines).

A case is a golden folder under ``tests/data/`` (``invalid/<case>`` for ``validate``,
``predictions-invalid/<case>`` for ``evaluate``), whose ``expected.txt`` holds the code, or a
test, ``tests/<file>.py::<test>``, for commands that have no golden folders.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class IssueCode:
    """One code: who reports it, how bad it is, a one-line description and its case."""

    code: str
    severity: str  # ERROR or WARNING
    commands: str  # the commands that report it, e.g. "validate, evaluate"
    description: str
    case: str  # tests/data/invalid/<case>, tests/data/predictions-invalid/<case> or tests/<file>.py::<test>


#: Codes made from a JSON Schema keyword: ``schema-`` and the keyword in kebab case
#: (``schema-enum``, ``schema-required``, ``schema-additional-properties``, ...).
SCHEMA_FAMILY = "schema-<keyword>"

_INVALID = "tests/data/invalid/"
_PREDICTIONS = "tests/data/predictions-invalid/"
_V, _E, _B, _H, _A = "validate", "evaluate", "build", "hydrate", "anchor"
_IMPORT, _EXPORT = "import", "export"
_INCEPTION = "tests/data/inception-invalid/"
_LS = "tests/data/label-studio-invalid/"
_W = "link-wikidata"
_LINK = "tests/test_link_wikidata.py::"

CODES: tuple[IssueCode, ...] = tuple(IssueCode(*entry) for entry in [
    # --- files and JSON -----------------------------------------------------------------------
    ("file-missing", ERROR, _V, "A registry the corpus needs (outlets, actors, collections) is missing.",
     _INVALID + "registry-missing"),
    ("file-unexpected", ERROR, _V, "A file or folder that is not part of the corpus layout (a typo?).",
     _INVALID + "file-unexpected"),
    ("file-empty", ERROR, _V, "A JSON file is empty.", _INVALID + "file-empty"),
    ("file-too-large", ERROR, _V, "A file is over the size limit (5 MB); it is not read.", _INVALID + "file-too-large"),
    ("file-unreadable", ERROR, _V, "A file cannot be read, or is no regular file (a named pipe is never opened).",
     _INVALID + "fifo-in-place-of-files"),
    ("file-outside-corpus", ERROR, _V, "A symbolic link points outside the corpus folder.",
     _INVALID + "symlink-outside"),
    ("file-symlink-loop", ERROR, _V, "Symbolic links loop: the file or folder cannot be reached.",
     _INVALID + "symlink-loop"),
    ("json-bom", ERROR, _V, "A JSON file starts with a byte-order mark.", _INVALID + "json-bom"),
    ("json-invalid-utf8", ERROR, _V, "A JSON file is not valid UTF-8.", _INVALID + "json-invalid-utf8"),
    ("json-malformed", ERROR, f"{_V}, {_E}, {_IMPORT}", "Not valid JSON (also: nesting too deep, a number too large).",
     _INVALID + "json-malformed"),
    ("json-duplicate-key", ERROR, f"{_V}, {_E}", "A key occurs twice in one JSON object.",
     _INVALID + "json-duplicate-key"),
    ("json-lone-surrogate", ERROR, f"{_V}, {_E}", "A string holds half of a surrogate pair, which UTF-8 cannot encode.",
     _INVALID + "json-lone-surrogate"),
    (SCHEMA_FAMILY, ERROR, f"{_V}, {_E}", "The file breaks its JSON Schema; the code names the schema keyword.",
     _INVALID + "schema-enum"),
    ("date-impossible", ERROR, _V, "A full date that is not a day of the calendar (2020-04-31).",
     _INVALID + "date-impossible"),
    # --- ids and registries -------------------------------------------------------------------
    ("document-id-invalid", ERROR, _V, "A file name is not a valid id (lowercase ASCII slug, at most 64 characters).",
     _INVALID + "file-name-cyrillic"),
    ("document-id-mismatch", ERROR, _V, "A document's id differs from its file name.", _INVALID + "document-id-mismatch"),
    ("duplicate-key", ERROR, _V, "Two registry entries share a key.", _INVALID + "duplicate-actor-key"),
    ("key-reserved", ERROR, _V, "An actor key is a reserved word of actor references ('author').",
     _INVALID + "actor-key-reserved"),
    ("duplicate-wikidata", ERROR, _V, "Two actors give the same Wikidata id.", _INVALID + "duplicate-wikidata"),
    ("alias-ambiguous", ERROR, _V, "An alias names more than one actor.", _INVALID + "alias-ambiguous"),
    ("actor-part-of-cycle", ERROR, _V, "Through part_of, an actor is part of itself.", _INVALID + "actor-part-of-cycle"),
    ("unknown-actor", ERROR, _V, "An actor key that is not in actors.json.", _INVALID + "unknown-actor-speaker"),
    ("outlet-actor-not-media", ERROR, _V, "An outlet's actor is not of type media.", _INVALID + "outlet-actor-not-media"),
    ("cluster-merged-into-self", ERROR, _V, "A cluster is merged into itself.", _INVALID + "cluster-merged-into-self"),
    ("cluster-merged-into-unknown", ERROR, _V, "A cluster is merged into a key that is not in clusters.json.",
     _INVALID + "cluster-merged-into-unknown"),
    ("cluster-merge-cycle", ERROR, _V, "Merges of clusters go round.", _INVALID + "cluster-merge-cycle"),
    ("unknown-place", ERROR, _V, "An event's place is not in the file's places.", _INVALID + "unknown-place"),
    ("event-dates-reversed", ERROR, _V, "An event ends before it starts.", _INVALID + "event-dates-reversed"),
    ("near-duplicate-pair-order", ERROR, _V,
     "A near-duplicate pair must name two different documents, the smaller id first.",
     _INVALID + "near-duplicate-pair-order"),
    ("unknown-document", ERROR, f"{_V}, {_A}", "A document id that is not in documents/.",
     _INVALID + "unknown-document"),
    # --- documents and texts ------------------------------------------------------------------
    ("unknown-collection", ERROR, _V, "A document's collection is not in collections.json.",
     _INVALID + "unknown-collection"),
    ("unknown-outlet", ERROR, _V, "An outlet key that is not in outlets.json.", _INVALID + "unknown-outlet"),
    ("unknown-event", ERROR, _V, "A document reports on an event that is not in events.json.",
     _INVALID + "unknown-event"),
    ("document-event-missing", ERROR, _V, "The corpus has an event registry but the document names no event.",
     _INVALID + "document-event-missing"),
    ("title-stored-non-redistributable", ERROR, _V, "The title of a text we may not redistribute is stored.",
     _INVALID + "title-stored-non-redistributable"),
    ("source-record-missing", ERROR, _V, "An external document does not say which record of its source it is.",
     _INVALID + "source-record-missing"),
    ("text-missing", ERROR, _V, "The text of a redistributable document is not in texts/.", _INVALID + "text-missing"),
    ("text-orphan", ERROR, _V, "A text in texts/ has no document.", _INVALID + "text-orphan"),
    ("text-stored-non-redistributable", ERROR, _V, "A text we may not redistribute is stored in the corpus.",
     _INVALID + "text-stored-non-redistributable"),
    ("text-bom", ERROR, _V, "A text starts with a byte-order mark.", _INVALID + "text-bom"),
    ("text-crlf", ERROR, _V, "A text has CR line endings; canonical texts use LF.", _INVALID + "text-crlf"),
    ("text-empty", ERROR, _V, "A text is empty or only whitespace.", _INVALID + "text-empty"),
    ("text-invalid-utf8", ERROR, _V, "A text is not valid UTF-8.", _INVALID + "text-invalid-utf8"),
    ("text-not-nfc", ERROR, _V, "A text is not in Unicode NFC.", _INVALID + "text-not-nfc"),
    ("text-hash-mismatch", ERROR, f"{_V}, {_H}", "A text's SHA-256 differs from the document's text_sha256.",
     _INVALID + "text-hash-mismatch"),
    ("text-length-mismatch", ERROR, f"{_V}, {_H}", "A text's length in code points differs from text_length.",
     _INVALID + "text-length-mismatch"),
    # --- annotation files ---------------------------------------------------------------------
    ("annotation-document-mismatch", ERROR, _V, "An annotation file names another document than its file name.",
     _INVALID + "annotation-document-mismatch"),
    ("annotation-hash-mismatch", ERROR, _V, "Annotations were made on another text than the document's.",
     _INVALID + "annotation-hash-mismatch"),
    ("pass-annotator-invalid", ERROR, _V, "passes/ holds something else than annotator-<n> folders.",
     _INVALID + "pass-annotator-invalid"),
    ("pass-annotator-mismatch", ERROR, _V, "A pass names another annotator than its folder.",
     _INVALID + "pass-annotator-mismatch"),
    ("adjudicated-pass-missing", ERROR, _V, "A gold file is adjudicated from a pass that is not in passes/.",
     _INVALID + "adjudicated-pass-missing"),
    ("guidelines-outdated", WARNING, _V, "A gold file was made under older guidelines: re-check it and update it.",
     "tests/test_annotation_checks.py::test_gold_files_under_older_guidelines_warn_without_failing"),
    # --- spans --------------------------------------------------------------------------------
    ("span-reversed", ERROR, _V, "A span's end is not after its start.", _INVALID + "span-reversed"),
    ("span-out-of-range", ERROR, f"{_V}, {_E}", "A span ends past the end of the text.", _INVALID + "span-one-past-end"),
    ("span-offset-not-integer", ERROR, _V, "Span offsets written with a fraction or exponent.",
     _INVALID + "span-offset-not-integer"),
    ("span-whitespace-edge", ERROR, _V, "A span starts or ends on whitespace.", _INVALID + "span-whitespace-edge"),
    ("span-splits-grapheme", ERROR, _V, "A span edge falls inside a character (before a combining mark, beside a ZWJ).",
     _INVALID + "span-splits-grapheme"),
    ("span-text-mismatch", ERROR, _V, "A span's stored text differs from the text at its offsets.",
     _INVALID + "span-text-mismatch"),
    ("span-text-forbidden", ERROR, _V, "Span text is stored for a text we may not redistribute.",
     _INVALID + "span-text-forbidden"),
    ("duplicate-span", ERROR, _V, "A mention is listed twice.", _INVALID + "duplicate-span"),
    # --- actors, claims, stances --------------------------------------------------------------
    ("duplicate-actor", ERROR, _V, "An actor is listed twice in one annotation file.",
     _INVALID + "duplicate-actor-mentions"),
    ("duplicate-id", ERROR, f"{_V}, {_E}", "An id (claim, stance; a prediction's row) is used twice.",
     _INVALID + "duplicate-claim-id"),
    ("mentions-unordered", ERROR, _V, "An actor's mentions are not in text order.", _INVALID + "mentions-unordered"),
    ("mention-overlap", ERROR, f"{_V}, {_B}",
     "Mentions of two different actors overlap (in a build: the later or shorter one is left out of actor_ner).",
     _INVALID + "mention-overlap"),
    ("actor-not-in-document", ERROR, _V, "An actor is referred to but has no mention in the document.",
     _INVALID + "actor-not-in-document"),
    ("claim-spans-overlap", ERROR, _V, "Two claim spans cross (nesting is allowed).", _INVALID + "claim-spans-overlap"),
    ("attribution-not-rooted", ERROR, _V, "An attribution chain does not begin with 'author'.",
     _INVALID + "attribution-not-rooted"),
    ("speaker-mismatch", ERROR, _V, "A claim's speaker is not the last source of its attribution chain.",
     _INVALID + "speaker-mismatch"),
    ("cue-mismatch", ERROR, _V, "A claim's cue differs from the cue of the last attribution step.",
     _INVALID + "cue-mismatch"),
    ("cue-missing", ERROR, _V, "A claim attributed to an actor, or an attribution step, has no cue span.",
     _INVALID + "cue-missing"),
    ("reported-without-source", ERROR, _V, "Certainty 'reported' on a claim in the author's own voice.",
     _INVALID + "reported-without-source"),
    ("unknown-cluster", ERROR, _V, "A cluster key that is not in clusters.json.", _INVALID + "unknown-cluster"),
    ("cluster-merged", ERROR, _V, "A gold file cites a merged cluster key; use the key it was merged into.",
     _INVALID + "cluster-merged"),
    ("cluster-repeated", ERROR, _V, "other_clusters repeats the claim's own cluster.", _INVALID + "cluster-repeated"),
    ("unknown-claim", ERROR, _V, "A stance targets a claim id that is not in the file.", _INVALID + "unknown-claim"),
    ("stance-self-target", ERROR, _V, "A stance holder is also its target.", _INVALID + "stance-self-target"),
    ("prose-copies-text", ERROR, _V,
     "A proposition or note repeats six or more consecutive words of a text we may not redistribute.",
     "tests/test_annotation_checks.py::test_a_proposition_that_repeats_six_words_of_a_third_party_text_is_a_finding"),
    # --- the split ledger ---------------------------------------------------------------------
    ("split-ledger-duplicate", ERROR, _V, "A document is listed twice in splits.json.", _INVALID + "split-ledger-duplicate"),
    ("split-ledger-unknown-document", ERROR, _V, "splits.json lists a document that does not exist.",
     _INVALID + "split-ledger-unknown-document"),
    ("split-ledger-stale", ERROR, _V, "A document has no split in the ledger: run 'castcorpus splits add'.",
     _INVALID + "split-ledger-stale"),
    ("split-group-leak", ERROR, _V, "Documents of one group (event, text, cluster) are in different splits.",
     _INVALID + "split-group-leak"),
    ("split-outlet-leak", ERROR, _V, "Documents of one outlet are in different outlet splits.",
     _INVALID + "split-outlet-leak"),
    # --- build --------------------------------------------------------------------------------
    ("mention-not-on-tokens", WARNING, _B, "A mention does not start and end on token boundaries: left out of actor_ner.",
     "tests/test_build_release.py::test_mention_off_token_boundaries_is_reported_not_shifted"),
    ("mention-crosses-sentence", WARNING, _B, "A mention crosses a sentence boundary: left out of actor_ner.",
     "tests/test_issue_codes.py::test_token_views_report_spans_they_cannot_tag"),
    ("claim-not-on-tokens", WARNING, _B, "A claim span does not start and end on token boundaries: left out of claim_spans.",
     "tests/test_issue_codes.py::test_token_views_report_spans_they_cannot_tag"),
    ("claim-crosses-sentence", WARNING, _B, "A claim span crosses a sentence boundary: left out of claim_spans.",
     "tests/test_issue_codes.py::test_token_views_report_spans_they_cannot_tag"),
    ("charts-skipped", WARNING, _B, "matplotlib is not installed: the release has no charts.",
     "tests/test_issue_codes.py::test_a_build_without_matplotlib_has_no_charts"),
    ("baselines-skipped", WARNING, _B, "The card's baselines were not computed (too many rows, or they failed).",
     "tests/test_issue_codes.py::test_the_card_says_why_it_has_no_baselines"),
    # --- hydrate (FA-KES) ---------------------------------------------------------------------
    ("document-not-in-source", ERROR, _H, "A document of the collection has no row in the published file.",
     "tests/test_fakes_bad_inputs.py::test_mismatching_document_fails_the_cli"),
    ("document-missing", ERROR, _H, "A row of the published file has no document in documents/.",
     "tests/test_issue_codes.py::test_hydration_names_documents_it_cannot_check"),
    ("document-unusable", ERROR, _H, "A document cannot be read or has no text_sha256 to check the text against.",
     "tests/test_issue_codes.py::test_hydration_names_documents_it_cannot_check"),
    ("fakes-crlf", WARNING, _H, "Records of the FA-KES file end with CRLF; texts are canonicalized to LF.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-trailing-columns", WARNING, _H, "The FA-KES header has unnamed columns after the last named one.",
     "tests/test_issue_codes.py::test_trailing_columns_of_the_fakes_file_are_reported"),
    ("fakes-trailing-column-value", WARNING, _H, "A row has a value in an unnamed trailing column.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-encoding-repaired", WARNING, _H, "A field was not UTF-8 and was decoded by the fixed repair rule.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-unit-id-repeated", WARNING, _H, "A unit_id occurs on more than one row.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-text-duplicated", WARNING, _H, "The same text occurs on more than one row.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-label-conflict", WARNING, _H, "Rows of one text carry different labels.",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-text-short", WARNING, _H, "A text is suspiciously short.", "tests/test_fakes_real.py::test_anomalies_are_reported"),
    ("fakes-debris", WARNING, _H, "A text holds page debris (share buttons, footers, credit lines).",
     "tests/test_fakes_real.py::test_anomalies_are_reported"),
    # --- anchor -------------------------------------------------------------------------------
    ("quote-missing", ERROR, _A, "A draft's quote does not occur in the text.",
     "tests/test_properties.py::test_within_names_a_phrase_that_holds_the_quote"),
    ("quote-ambiguous", ERROR, _A, "A quote occurs more than once and no occurrence or within picks one.",
     "tests/test_properties.py::test_ambiguous_quote_without_occurrence_is_refused"),
    ("quote-not-within", ERROR, _A, "A quote is not part of the phrase its within names.",
     "tests/test_properties.py::test_within_names_a_phrase_that_holds_the_quote"),
    ("quote-whitespace-edge", ERROR, _A, "A quote is empty or starts or ends on whitespace.",
     "tests/test_validate_cli.py::test_anchor_writes_the_output"),
    ("quote-occurrence-out-of-range", ERROR, _A, "A quote's occurrence is past the number of times it occurs.",
     "tests/test_validate_cli.py::test_anchor_writes_the_output"),
    ("quote-malformed", ERROR, _A, "A span of a draft is neither a quote object nor offsets.",
     "tests/test_validate_cli.py::test_anchor_writes_the_output"),
    # --- import -------------------------------------------------------------------------------
    ("ls-export-invalid", ERROR, _IMPORT, "A Label Studio export is not a list of tasks.", _LS + "not-a-list"),
    ("ls-task-invalid", ERROR, _IMPORT, "A task lacks the text or the annotation file's header that the export put in its data.",
     _LS + "task-without-header"),
    ("ls-unknown-document", ERROR, _IMPORT, "A task's document is not in the corpus.", _LS + "unknown-document"),
    ("ls-text-mismatch", ERROR, _IMPORT, "A task's text is not the canonical text of its document.", _LS + "text-mismatch"),
    ("ls-task-unannotated", ERROR, _IMPORT, "A task has no submitted annotation that was not cancelled.",
     _LS + "unannotated"),
    ("ls-duplicate-document", ERROR, _IMPORT, "Two tasks are of the same document.", _LS + "duplicate-document"),
    ("ls-result-invalid", ERROR, _IMPORT, "A result item is malformed (no id, offsets that are no integers, a region "
     "labelled twice, several choices where one is taken).", _LS + "result-invalid"),
    ("ls-unknown-label", ERROR, _IMPORT, "A tag, region label, relation label or choice is not in the labeling config "
     "(an actor or cluster key not in the registry).", _LS + "unknown-label"),
    ("ls-span-out-of-range", ERROR, _IMPORT, "A region's offsets are not inside the text, or its start is not before its end.",
     _LS + "span-out-of-range"),
    ("ls-span-text-mismatch", ERROR, _IMPORT, "A region's text differs from the task text at its offsets.",
     _LS + "span-text-mismatch"),
    ("ls-relation-invalid", ERROR, _IMPORT, "A relation names a missing region, joins regions of the wrong layers, is "
     "repeated where one is allowed, or is missing (a cue with no claim, a stance with no target).",
     _LS + "relation-invalid"),
    ("ls-field-missing", ERROR, _IMPORT, "A region lacks a required value (a mention's actor, a claim's type, ...).",
     _LS + "field-missing"),
    # --- evaluate -----------------------------------------------------------------------------
    ("encoding-invalid", ERROR, _E, "The predictions file is not UTF-8.", _PREDICTIONS + "not-utf8"),
    ("predictions-empty", ERROR, _E, "The predictions file holds no predictions.", _PREDICTIONS + "empty-file"),
    ("unknown-id", ERROR, _E, "A prediction names no row of the split.", _PREDICTIONS + "unknown-id"),
    ("unknown-label", ERROR, _E, "A predicted label is not a label of the release.",
     _PREDICTIONS + "checkworthiness-unknown-label"),
    ("length-mismatch", ERROR, _E, "A token config's predicted tags are not one per token of the row.",
     _PREDICTIONS + "ner-length-mismatch"),
    ("span-invalid", ERROR, _E, "A predicted span's start is not before its end.", _PREDICTIONS + "claims-bad-span"),
    # --- import / export: INCEpTION (UIMA CAS XMI) ----------------------------------------------
    ("inception-xmi-malformed", ERROR, _IMPORT, "An XMI file is not a readable UIMA CAS (malformed XML, bad values).",
     _INCEPTION + "xmi-malformed"),
    ("inception-typesystem-malformed", ERROR, _IMPORT, "The TypeSystem.xml beside an XMI file cannot be read.",
     _INCEPTION + "typesystem-malformed"),
    ("inception-unknown-type", ERROR, _IMPORT, "An XMI file holds a type its type system does not declare.",
     _INCEPTION + "unknown-type"),
    ("inception-document-unknown", ERROR, f"{_IMPORT}, {_EXPORT}",
     "A CAS is of a document the corpus does not have (or an exported document has no gold file).",
     _INCEPTION + "document-unknown"),
    ("inception-document-repeated", ERROR, _IMPORT, "Two XMI files hold the same document.",
     _INCEPTION + "document-repeated"),
    ("inception-text-mismatch", ERROR, _IMPORT, "A CAS's text differs from the document's canonical (hydrated) text.",
     _INCEPTION + "text-mismatch"),
    ("inception-offsets-out-of-range", ERROR, _IMPORT, "An annotation's offsets lie outside the text.",
     _INCEPTION + "offsets-out-of-range"),
    ("inception-header-missing", ERROR, _IMPORT, "A CAS has no CastDocument with the file's header as a JSON object.",
     _INCEPTION + "header-missing"),
    ("inception-relation-end-missing", ERROR, _IMPORT, "A relation's Governor or Dependent is missing or of a wrong layer.",
     _INCEPTION + "relation-end-missing"),
    ("inception-relation-mismatch", ERROR, _IMPORT,
     "An Attribution relation points to a mention of another actor than its step's source.",
     _INCEPTION + "relation-mismatch"),
    ("inception-reference-unknown", ERROR, _IMPORT, "A cue or evidence span names a claim or stance the CAS does not have.",
     _INCEPTION + "reference-unknown"),
    ("inception-not-representable", ERROR, _EXPORT,
     "An annotation file holds what a CAS cannot carry (a claim cue that is not its last step's cue).",
     "tests/test_inception.py::test_a_claim_whose_cue_is_not_its_last_steps_cue_is_not_representable"),
    # --- link-wikidata ------------------------------------------------------------------------
    ("wikidata-unreachable", ERROR, _W, "The Wikidata API cannot be reached (offline, DNS, refused): nothing is written.",
     _LINK + "test_an_unreachable_api_exits_2_and_writes_nothing"),
    ("wikidata-timeout", ERROR, _W, "The Wikidata API did not answer within --timeout: nothing is written.",
     _LINK + "test_a_timeout_is_its_own_finding"),
    ("wikidata-rate-limited", ERROR, _W,
     "The API still refused (HTTP 429/503, maxlag) after the retries, or asked to wait too long: nothing is written.",
     _LINK + "test_rate_limits_are_retried_as_retry_after_says_then_given_up"),
    ("wikidata-bad-response", ERROR, _W, "The API answered an HTTP error, an API error or something that is not its JSON.",
     _LINK + "test_an_api_error_or_garbage_is_a_bad_response"),
    ("wikidata-dump-malformed", ERROR, _W, "A line of the --dump file is not one JSON entity, or the file cannot be read.",
     _LINK + "test_a_malformed_dump_names_its_line"),
    ("wikidata-no-candidate", WARNING, _W, "No item was found for an entry under any of its names; it stays unlinked.",
     _LINK + "test_an_entry_without_candidates_is_a_warning_not_a_failure"),
    ("wikidata-not-a-candidate", ERROR, _W, "A review accepts a QID that is not among its proposal's candidates.",
     _LINK + "test_accept_refuses_a_qid_that_was_not_proposed"),
    ("wikidata-entry-unknown", ERROR, _W, "A review names an entry that is not in its registry.",
     _LINK + "test_accept_refuses_stale_reviews"),
    ("wikidata-entry-not-unlinked", ERROR, _W,
     "A review accepts a QID for an entry that is now linked to another item or not-applicable.",
     _LINK + "test_accept_refuses_stale_reviews"),
])

#: Each entry by its code.
BY_CODE: dict[str, IssueCode] = {entry.code: entry for entry in CODES}


def lookup(code: str) -> IssueCode | None:
    """The catalogue entry of ``code`` (``schema-*`` codes share one), or None when it is not listed."""
    if code in BY_CODE:
        return BY_CODE[code]
    if code.startswith("schema-") and code != SCHEMA_FAMILY:
        return BY_CODE[SCHEMA_FAMILY]
    return None


#: The order of sections in docs/errors.md.
COMMANDS = (_V, _B, _H, _A, _E, _IMPORT, _EXPORT, _W)


def markdown() -> str:
    """docs/errors.md: every code, grouped by the first command that reports it."""
    lines = ["# Issue codes", "",
             "Every code a `castcorpus` command reports, with its severity and the test case that shows it. "
             "Generated from `src/castcorpus/issue_codes.py` by `castcorpus error-codes --out docs/errors.md`; "
             "do not edit by hand.", "",
             "An **error** makes the input invalid (`validate` exits 1, `build` refuses the corpus, `evaluate` "
             "scores nothing, `anchor` and `import` write nothing); a **warning** is reported and the command carries on. "
             "Cases under `tests/data/` are golden folders (the case's `expected.txt` shows the code); "
             "the others are tests.", ""]
    for command in COMMANDS:
        entries = [e for e in CODES if e.commands.split(", ")[0] == command]
        lines += [f"## {command}", "", "| code | severity | also from | meaning | case |", "| --- | --- | --- | --- | --- |"]
        for e in entries:
            also = ", ".join(e.commands.split(", ")[1:])
            lines.append(f"| `{e.code}` | {e.severity} | {also} | {e.description} | `{e.case}` |")
        lines.append("")
    return "\n".join(lines)
