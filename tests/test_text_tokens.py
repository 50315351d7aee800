"""The card's token counts (castcorpus.release.token_counts): of a whole text, taken in Python
while rows are staged (whitespace_tokens), and of a column (row_token_counts), each from the
text's bytes or, with whitespace beyond ASCII, by splitting; all equal Arrow's count
(utf8_split_whitespace), which the card's statistics were defined by: on every code point, and
on any mix of words and whitespace."""

import sys

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from castcorpus.release.card_statistics import TOKENS_COLUMN
from castcorpus.release.records import Records
from castcorpus.release.stage import StagedConfig, TextTokens, staged_batches
from castcorpus.release.token_counts import _byte_counts, row_token_counts, whitespace_tokens


def _arrow_counts(texts: list[str | None]) -> list[int | None]:
    """Arrow's own count, the definition. A last value that is no whitespace follows the texts:
    pyarrow 26's split answered differently from one call to the next for an array's last
    value ending in whitespace (docs/decisions.md), which made a reference that flips."""
    counts = pc.list_value_length(pc.utf8_split_whitespace(pa.array([*texts, "x"], pa.string())))
    return counts.to_pylist()[:-1]


def _row_counts(texts: list[str | None]) -> list[int | None]:
    return row_token_counts(pa.table({"text": pa.array(texts, pa.string())}), "text").to_pylist()


def test_python_and_arrow_split_on_the_same_code_points():
    points = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    splits_arrow = pc.list_value_length(pc.utf8_split_whitespace(pa.array([f"a{c}b" for c in points]))).to_pylist()
    assert [c for c, n in zip(points, splits_arrow) if n == 2] == [c for c in points if c.isspace()]
    assert [whitespace_tokens(f"a{c}b") for c in points] == splits_arrow


def test_counts_from_bytes_equal_arrows_on_every_code_point_without_wide_whitespace():
    points = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    narrow = [c for c in points if c < "\x80" or not c.isspace()]
    for shape in ("a{}b", "{}", "{0}{0}", " {}", "{} "):
        texts = [shape.format(c) for c in narrow]
        by_bytes = _byte_counts(pa.array(texts, pa.string()))
        assert by_bytes is not None and by_bytes.to_pylist() == _arrow_counts(texts)
    wide = [c for c in points if c >= "\x80" and c.isspace()]
    assert wide and all(_byte_counts(pa.array([f"a{c}b"])) is None for c in wide)  # counted by splitting


def test_whitespace_tokens_equals_arrows_count_on_every_short_text():
    texts = [""]
    for _ in range(7):  # every text of up to 7 characters of a letter, two kinds of space and a newline
        texts += [text + piece for text in texts if len(text) == len(texts[-1]) for piece in "a \u3000\n"]
    assert [whitespace_tokens(text) for text in texts] == _arrow_counts(texts)


# Words, every kind of whitespace Arrow splits on, and characters close to whitespace that it does not.
PIECES = st.sampled_from(["word", "حلب", "Ḥamā", "😀", "x", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\x0b", "\x0c",
                          "\x1c", "\x1f", "\x85", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029",
                          "\u202f", "\u205f", "\u3000", "\u200b", "\u180e", "\ufeff", "\x00", "\x1b"])
# Short texts: on some long texts with many kinds of whitespace at the end, pyarrow 26's
# utf8_split_whitespace is not deterministic (the same text counts 2 or 3 from one call to the
# next), so it cannot be the reference there; whitespace_tokens gives its usual answer.
TEXTS = st.lists(PIECES, max_size=12).map("".join)


@given(st.lists(st.one_of(TEXTS, st.text(), st.none()), max_size=8))
def test_whitespace_tokens_and_row_token_counts_equal_arrows_count(texts):
    assert [whitespace_tokens(text) for text in texts] == _arrow_counts(texts) == _row_counts(texts)


def test_row_token_counts_of_a_text_ending_in_mixed_whitespace_are_the_same_every_time():
    # A text on which pyarrow 26's utf8_split_whitespace answered 2 or 3 from call to call when
    # it was an array's last value (about one call in ten).
    text = "\u1e24am\u0101\u1e24am\u0101xxxx" + " " * 6 + "\n" * 6 + "\x85" * 2 + "\u1680" * 10
    assert whitespace_tokens(text) == 3
    for last in [text, text * 40, "word " * 300 + "\u3000\n\x85"] * 100:
        assert _row_counts([last]) == [whitespace_tokens(last)]


NARROW_TEXTS = st.lists(PIECES.filter(lambda piece: not any(c >= "\x80" and c.isspace() for c in piece)),
                        max_size=12).map("".join)


@given(st.lists(st.one_of(NARROW_TEXTS, st.none()), max_size=8), st.integers(0, 3))
def test_counts_from_bytes_of_a_sliced_column_with_nulls_equal_arrows(texts, cut):
    column = pa.array(["  x "] * cut + texts, pa.string()).slice(cut)  # offsets not from zero
    by_bytes = _byte_counts(column)
    assert by_bytes is not None and by_bytes.to_pylist() == _arrow_counts(texts) == _row_counts(texts)


@given(st.lists(PIECES, min_size=20, max_size=80).map("".join))
def test_row_token_counts_of_long_texts_equal_the_python_count(text):
    assert [_row_counts([text])[0] for _ in range(10)] == [whitespace_tokens(text)] * 10


def test_text_tokens_counts_a_text_object_once():
    counter, text = TextTokens(), "two  words "
    assert counter.count(text) == 3 == _arrow_counts([text])[0] == _row_counts([text])[0]
    counter.tokens = -1  # as if counted: the same object is not counted again
    assert counter.count(text) == -1
    assert counter.count("one") == 1


@given(st.lists(TEXTS, min_size=1, max_size=7))
def test_staged_counts_equal_arrows_with_or_without_a_shared_counter(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("staged")
    shared = TextTokens()
    staged = [StagedConfig(folder / "a.arrows", "raw", rows_per_batch=3, tokens=shared),
              StagedConfig(folder / "b.arrows", "raw", rows_per_batch=3)]
    for position, text in enumerate(texts):
        # id, collection, outlet, outlet_camp, original_outlet, date, location, events,
        # fakes_label, annotated, text, text_sha256, split, outlet_split
        row = (f"d{position}", "seed", "o", None, None, "2016", None, [], None, False, text, "0" * 64, None, None)
        for config in staged:
            config.add_rows(Records("raw", [row]), position)
    for config in staged:
        config.close()
    with_counter, by_arrow = ([table for table, _ in staged_batches(config.path)] for config in staged)
    assert [t.drop_columns([TOKENS_COLUMN]) for t in with_counter] == [t.drop_columns([TOKENS_COLUMN]) for t in by_arrow]
    counts = sum((table.column(TOKENS_COLUMN).to_pylist() for table in with_counter), [])
    assert counts == [whitespace_tokens(text) for text in texts]
    assert counts == sum((table.column(TOKENS_COLUMN).to_pylist() for table in by_arrow), [])
