"""Sentences and tokens with code-point offsets into the canonical text, from syntok.

syntok keeps every token's offset into the original string. We use its offset-preserving
path (paragraphs split at blank lines, no joining of hyphenated line breaks, no rewriting of
"n't") and ask it to emit hyphens and underscores as tokens, so that every non-space
character of the text lies in exactly one token and annotation spans can be checked against
token boundaries without any character going missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version

from syntok import segmenter
from syntok.tokenizer import Tokenizer

#: Identifies the segmenter and its settings; part of the derived-row cache key.
SEGMENTER = f"syntok-{version('syntok')}-hyphens-kept"


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``[start, end)`` in the text and its tokens as ``(start, end)`` pairs."""

    start: int
    end: int
    tokens: tuple[tuple[int, int], ...]


def _tokenizer() -> Tokenizer:
    return Tokenizer(emit_hyphen_or_underscore_sep=True, replace_not_contraction=False)


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences of tokens; offsets are Python ``str`` indices."""
    tokenizer = _tokenizer()
    sentences = []
    for offset, paragraph in segmenter.preprocess_with_offsets(text):
        for tokens in segmenter.segment(tokenizer.tokenize(paragraph, offset)):
            pairs = tuple((tok.offset, tok.offset + len(tok.value)) for tok in tokens if tok.value)
            if pairs:
                sentences.append(Sentence(pairs[0][0], pairs[-1][1], pairs))
    return sentences


def overlapping(sentences: list[Sentence], start: int, end: int) -> list[int]:
    """Indices of the sentences that share at least one code point with ``[start, end)``."""
    return [i for i, s in enumerate(sentences) if s.start < end and start < s.end]
