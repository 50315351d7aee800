"""Properties of the FA-KES field decoding policy (castcorpus.sources.fakes.reader.decode_field)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castcorpus.sources.fakes.reader import REPLACEMENT, decode_field
from castcorpus.corpus.texts import canonicalize


@given(st.text())
def test_valid_utf8_is_decoded_unchanged(text):
    assert decode_field(text.encode("utf-8")) == (text, [])  # st.text() has no lone surrogates


@given(st.binary())
def test_any_bytes_decode_to_encodable_canonicalizable_text(raw):
    text, lost = decode_field(raw)
    text.encode("utf-8")  # never a lone surrogate
    assert canonicalize(canonicalize(text)) == canonicalize(text)
    if lost:
        assert all(seq[0] == 0x95 and len(seq) <= 2 for seq in lost)
        assert text.count(REPLACEMENT) >= len(lost)


@given(st.binary().filter(lambda b: b"\x95" not in b))
def test_without_damaged_sequences_decoding_round_trips_to_the_bytes(raw):
    text, lost = decode_field(raw)
    assert lost == []
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        assert text.encode("sloppy-windows-1252") == raw  # lossless: Windows-1252 with Latin-1 gaps


@given(st.lists(st.sampled_from([b"ab", b" ", b"\x95\x81", b"\x95_", b"\x95\xb5", b"x"]), min_size=1))
def test_each_damaged_sequence_is_one_replacement_character(parts):
    raw = b"".join(parts)
    text, lost = decode_field(raw)
    damaged = [p for p in parts if p.startswith(b"\x95")]
    if damaged:
        assert lost == damaged
        assert text == "".join(REPLACEMENT if p.startswith(b"\x95") else p.decode() for p in parts)
