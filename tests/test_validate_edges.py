"""Edges of the validator's checks that golden cases alone do not pin: exact boundaries."""

from __future__ import annotations

import pytest

from castcorpus.validate_annotations import AnnotationContext, span_issues


@pytest.mark.parametrize("text", ["abc def", None], ids=["hydrated", "not-hydrated"])
@pytest.mark.parametrize("start, end, codes", [
    (4, 7, []),                          # ends exactly at the end of the text: fine
    (4, 8, ["span-out-of-range"]),       # one code point past it
    (0, 1, []),                          # starts at 0
    (6, 7, []),                          # the last code point alone
    (7, 8, ["span-out-of-range"]),       # starts at the end
    (3, 3, ["span-reversed"]),           # empty
])
def test_span_range_boundaries(text, start, end, codes):
    ctx = AnnotationContext("annotations/x.json", text, 7, True, None)
    found = [issue.code for issue in span_issues({"start": start, "end": end}, ("actors", 0, "mentions", 0), ctx)]
    assert found == codes
