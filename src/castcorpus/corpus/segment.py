"""Sentences and tokens with code-point offsets into the canonical text.

Sentence and word boundaries come from BlingFire (finite-state machines in C++), called on
the text's UTF-8 bytes through the offset-returning entry points of its native library; the
byte offsets are mapped to ``str`` indices with one vectorized pass (BlingFire's own Python
wrapper maps them in a per-byte Python loop that costs more than the segmentation itself).
A blank line always ends a sentence (headline, byline, paragraphs), as in syntok: each
paragraph's first character starts a sentence. Every non-space character of the text lies in
exactly one token, so annotation spans can be checked against token boundaries without any
character going missing (where BlingFire drops a character or keeps a Unicode space inside a
word, the tokens are rebuilt from the text's non-space runs, cut at BlingFire's boundaries).

Where BlingFire's native library cannot be loaded (its wheel carries x86-64 builds only),
syntok, a pure-Python segmenter, is used instead, with the same paragraph and token rules;
:data:`SEGMENTER` names the one in use, and it is part of the row-cache key, the build's input
digest and the dataset card. docs/decisions.md compares the two on the corpus.
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version
from typing import NamedTuple

import numpy as np

#: Blank lines (a sentence never crosses one), up to the next paragraph's first character.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n\s*")
_NON_SPACE = re.compile(r"\S+")  # \s is what str.isspace() calls space


class Sentence(NamedTuple):
    """One sentence: ``[start, end)`` in the text and its tokens as ``(start, end)`` pairs (a
    named tuple: a document has dozens, and a tuple is made in half the time of a frozen
    dataclass)."""

    start: int
    end: int
    tokens: tuple[tuple[int, int], ...]


def _load_blingfire():
    try:
        import blingfire

        library = blingfire.blingfire  # the ctypes handle of the native library
        return library.TextToWordsWithOffsets, library.TextToSentencesWithOffsets
    except (ImportError, OSError, AttributeError):
        return None


_BLINGFIRE = _load_blingfire()
#: Identifies the segmenter and its settings; part of the derived-row cache key.
SEGMENTER = (f"blingfire-{version('blingfire')}-paragraphs" if _BLINGFIRE
             else f"syntok-{version('syntok')}-hyphens-kept")


class _Buffers(threading.local):
    """Output buffers for BlingFire, reused and grown by doubling: a ctypes array type per
    distinct size would be created otherwise, and array types are only freed by the cyclic
    garbage collector, which the build pauses."""

    size = 0

    def get(self, needed: int):
        if needed > self.size:
            self.size = max(4096, 1 << (needed - 1).bit_length())
            self.output = ctypes.create_string_buffer(self.size)
            self.starts, self.ends = (ctypes.c_int32 * self.size)(), (ctypes.c_int32 * self.size)()
            # numpy views of the offset buffers, made once: numpy reads a ctypes array's buffer
            # format afresh on every np.frombuffer, which costs more than copying the offsets.
            self.views = np.frombuffer(self.starts, dtype=np.int32), np.frombuffer(self.ends, dtype=np.int32)
        return self.output, self.starts, self.ends, self.size


_BUFFERS = _Buffers()


_NO_SPANS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _native_spans(raw: bytes, function, separator: int) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (UTF-8 byte offsets into ``raw``) of the spans a BlingFire
    ``...WithOffsets`` function finds."""
    output, starts, ends, size = _BUFFERS.get(2 * len(raw) + 1)
    written = function(ctypes.c_char_p(raw), ctypes.c_int(len(raw)), ctypes.byref(output),
                       ctypes.byref(starts), ctypes.byref(ends), ctypes.c_int(size))
    # The output is the tokens joined by ``separator``, NUL-terminated; only its first
    # ``written`` bytes belong to this call (the buffer is reused).
    joined = ctypes.string_at(output, written).split(b"\0", 1)[0] if 0 < written <= size else b""
    if not joined:
        # Nothing but characters BlingFire ignores (it answers -1 for a lone BOM): no boundaries,
        # and the caller falls back on the text's non-space runs.
        return _NO_SPANS
    count = joined.count(separator) + 1
    starts_view, ends_view = _BUFFERS.views
    begin = starts_view[:count].astype(np.int64)
    end = ends_view[:count].astype(np.int64)
    end += 1  # inclusive -> exclusive
    return begin, end


def _code_points(raw: bytes) -> np.ndarray | None:
    """``before[b]``: the number of code points that start before UTF-8 byte offset ``b`` of
    ``raw``, for ``b`` up to ``len(raw)``, or None when every code point is one byte (ASCII);
    made once per text for both of BlingFire's calls (indexing it beats a binary search)."""
    if raw.isascii():
        return None
    leads = np.frombuffer(raw, dtype=np.int8) >= -64  # not a continuation byte 10xxxxxx (-128..-65)
    return np.concatenate(([0], np.cumsum(leads)))


def _to_points(before: np.ndarray | None, offsets: np.ndarray) -> np.ndarray:
    """UTF-8 byte offsets as ``str`` indices (:func:`_code_points`)."""
    return offsets if before is None else before[offsets]


def _covers_non_space(text: str, starts: np.ndarray, ends: np.ndarray) -> bool:
    """Whether the words ``[starts[i], ends[i])``, in order and without overlap, cover exactly
    the non-space characters of ``text`` (the words joined equal the text without its spaces).

    Disjoint words that hold no space cover a subset of the non-space characters, as many as
    their lengths add up to; a subset of a finite set is the whole set exactly when the two
    are equally large. So the test is: no word holds a space (as many spaces lie before its
    start as before its end), and the lengths add up to the number of non-space characters;
    cheaper than marking the characters the words cover."""
    if not len(starts):
        return not text or text.isspace()
    if (ends <= starts).any() or (starts[1:] < ends[:-1]).any() or starts[0] < 0 or ends[-1] > len(text):
        return False
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    before = np.concatenate(([0], np.cumsum(space_table().take(points))))  # spaces before i
    if int((ends - starts).sum()) != len(text) - int(before[-1]):
        return False
    return bool((before[starts] == before[ends]).all())


@functools.cache
def space_table() -> np.ndarray:
    """``table[c]``: whether ``str.isspace`` (and so ``str.split``) counts code point ``c`` as
    space, for every code point (found once, not listed by hand; a table of them all, 1 MB,
    is looked up faster than one cut off after the last space)."""
    # Every code point as one string, searched in C: the pattern's \s is ``str.isspace`` (both
    # are CPython's Py_UNICODE_ISSPACE; tests/test_segment_fast.py compares them on every code
    # point), and this is a few times cheaper than calling ``isspace`` on each.
    everything = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    points = [match.start() for match in re.finditer(r"\s", everything)]
    table = np.zeros(0x110000, dtype=bool)
    table[points] = True
    return table


def _exact_tokens(text: str, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words ``[starts[i], ends[i])`` when they cover exactly the non-space characters, in
    order; otherwise the non-space runs of the text cut at the segmenter's word boundaries
    (BlingFire drops zero-width and control characters and keeps some Unicode spaces inside a
    token; syntok keeps control characters that Python counts as space)."""
    if _covers_non_space(text, starts, ends):
        return starts, ends
    cuts = sorted(set(starts.tolist()) | set(ends.tolist()))
    tokens = []
    for run in _NON_SPACE.finditer(text):
        start = run.start()
        for cut in cuts[bisect.bisect_right(cuts, start):bisect.bisect_left(cuts, run.end())]:
            tokens.append((start, cut))
            start = cut
        tokens.append((start, run.end()))
    bounds = np.array(tokens, dtype=np.int64).reshape(-1, 2)
    return bounds[:, 0].copy(), bounds[:, 1].copy()


def _paragraphs(text: str):
    """``(offset, paragraph)`` for the blank-line separated parts of ``text``."""
    position = 0
    for blank in _PARAGRAPH_BREAK.finditer(text):
        yield position, text[position:blank.start()]
        position = blank.end()
    yield position, text[position:]


def _paragraph_starts(text: str) -> list[int]:
    """Offsets of the first non-space character of each paragraph."""
    starts = [blank.end() for blank in _PARAGRAPH_BREAK.finditer(text)]
    lead = len(text) - len(text.lstrip())
    return ([lead] if lead < len(text) else []) + [start for start in starts if start < len(text)]


def _visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc")


@dataclass(frozen=True)
class Segmentation:
    """A text's tokens as arrays: token ``i`` is ``[token_starts[i], token_ends[i])`` (code
    points), and sentence ``j`` holds tokens ``cuts[j]`` to ``cuts[j + 1] - 1``. The form the
    build's token views are made from; :attr:`sentences` gives the same as :class:`Sentence`."""

    token_starts: np.ndarray
    token_ends: np.ndarray
    cuts: np.ndarray  # len = sentences + 1

    @property
    def sentences(self) -> list[Sentence]:
        """The sentences with their tokens as ``(start, end)`` pairs."""
        tokens = list(zip(self.token_starts.tolist(), self.token_ends.tolist()))
        cuts = self.cuts.tolist()
        return [Sentence(tokens[a][0], tokens[b - 1][1], tuple(tokens[a:b])) for a, b in zip(cuts, cuts[1:])]

    def bounds(self) -> list[Sentence]:
        """The sentences' ``[start, end)`` without their tokens (``tokens`` is empty): all that
        the sentence-level views need."""
        starts = self.token_starts[self.cuts[:-1]].tolist()
        ends = self.token_ends[self.cuts[1:] - 1].tolist()
        return list(map(Sentence, starts, ends, itertools.repeat((), len(starts))))


def _sentence_starts(text: str, sentence_starts: list[int]) -> list[int]:
    """The starts of the sentences: the segmenter's and every paragraph's first non-space
    character, so that no sentence reaches over a blank line; a sentence of nothing but
    invisible characters joins a neighbour (see below)."""
    paragraph_starts = _paragraph_starts(text)
    candidates = sorted(set(paragraph_starts).union(sentence_starts))
    # The usual case: every candidate's first character is visible. Then each one begins a
    # sentence that holds a visible character, and neither rule below merges any.
    if not candidates or (0 <= candidates[0] and candidates[-1] < len(text) and _all_visible(
            "".join(map(text.__getitem__, candidates)))):
        return candidates
    paragraph_starts = set(paragraph_starts)
    starts: list[int] = []
    for start in candidates:
        # A sentence of nothing but invisible characters (a right-to-left mark or a zero-width
        # space before the segmenter's first sentence) joins the next one in its paragraph ...
        if starts and start not in paragraph_starts and not any(map(_visible, text[starts[-1]:start])):
            continue
        starts.append(start)
    # ... and one of nothing but invisible characters after the last sentence joins that one.
    ends = starts[1:] + [len(text)]
    return [start for start, end in zip(starts, ends)
            if start in paragraph_starts or any(map(_visible, text[start:end]))]


def _all_visible(chars: str) -> bool:
    """Whether every one of ``chars`` is :func:`_visible`; letters and digits (``isalnum``,
    checked in C) always are (tests/test_segment_fast.py checks every code point)."""
    return chars.isalnum() or all(map(_visible, chars))


def _segmented(text: str, word_starts: np.ndarray, word_ends: np.ndarray, sentence_starts: list[int]) -> Segmentation:
    """Sentences of ``text`` from its words and the segmenter's sentence starts
    (:func:`_sentence_starts`). Each token joins the sentence its first character falls in, so
    none is lost where the word and sentence boundaries disagree."""
    starts = _sentence_starts(text, sentence_starts)
    token_starts, token_ends = _exact_tokens(text, word_starts, word_ends)
    if not len(token_starts):
        return Segmentation(token_starts, token_ends, np.zeros(1, dtype=np.int64))
    return Segmentation(token_starts, token_ends, _cuts(token_starts, starts))


def _cuts(token_starts: np.ndarray, starts: list[int]) -> np.ndarray:
    """Where the sentences that begin at ``starts`` (in order) cut the tokens: each token joins
    the last sentence that starts at or before its first character (the first sentence when
    none does), so a sentence after the first begins at the first token at or after its start,
    and one that would hold no token is left out. The tokens are in order, so the first tokens
    found are too, and a repeat is next to its twin (a few dozen sentences: plain lists)."""
    count = len(token_starts)
    found = token_starts.searchsorted(starts[1:]).tolist()
    inner = [index for index, previous in zip(found, [0] + found) if index != previous and 0 < index < count]
    return np.array([0, *inner, count], dtype=np.int64)


def _segment_blingfire(text: str) -> Segmentation:
    words_fn, sentences_fn = _BLINGFIRE
    if not text.strip():
        return _segmented(text, *_NO_SPANS, [])
    raw = text.encode("utf-8")
    before = _code_points(raw)
    sentence_starts = _to_points(before, _native_spans(raw, sentences_fn, ord("\n"))[0]).tolist()
    word_starts, word_ends = _native_spans(raw, words_fn, ord(" "))
    return _segmented(text, _to_points(before, word_starts), _to_points(before, word_ends), sentence_starts)


def _segment_syntok(text: str) -> Segmentation:
    from syntok import segmenter
    from syntok.tokenizer import Tokenizer

    tokenizer = Tokenizer(emit_hyphen_or_underscore_sep=True, replace_not_contraction=False)
    words, starts = [], []
    for offset, paragraph in _paragraphs(text):  # syntok's segmenter works paragraph by paragraph
        for tokens in segmenter.segment(tokenizer.tokenize(paragraph, offset)):
            pairs = [(tok.offset, tok.offset + len(tok.value)) for tok in tokens if tok.value]
            if pairs:
                starts.append(pairs[0][0])
                words.extend(pairs)
    bounds = np.array(words, dtype=np.int64).reshape(-1, 2)
    return _segmented(text, bounds[:, 0].copy(), bounds[:, 1].copy(), starts)


def segmentation(text: str) -> Segmentation:
    """Split ``text`` into sentences of tokens, as arrays; offsets are Python ``str`` indices."""
    return _segment_blingfire(text) if _BLINGFIRE else _segment_syntok(text)


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences of tokens; offsets are Python ``str`` indices."""
    return segmentation(text).sentences


def overlapping(sentences: list[Sentence], start: int, end: int) -> list[int]:
    """Indices of the sentences that share at least one code point with ``[start, end)``."""
    return [i for i, s in enumerate(sentences) if s.start < end and start < s.end]
