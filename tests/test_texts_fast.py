"""The shortcuts of the text checks say what the longer forms say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castcorpus.corpus.texts import bytes_sha256, decode_canonical, text_sha256


@given(st.text())
def test_the_hash_of_the_bytes_is_the_hash_of_the_text_they_decode_to(text):
    data = text.encode("utf-8", "surrogatepass")
    decoded, _ = decode_canonical(data)
    if decoded is not None:  # a lone surrogate is no UTF-8: such bytes are never hashed
        assert bytes_sha256(data) == text_sha256(decoded)


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\t", "\x1c", "\x85", "\u00a0", "\u2003", "\u3000", "\u200b"])))
def test_a_text_is_empty_exactly_when_nothing_is_left_once_stripped(text):
    _, problems = decode_canonical(text.encode("utf-8"))
    assert ("text-empty" in [p.code for p in problems]) == (not text.strip())
