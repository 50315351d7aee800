"""castcorpus render without a browser: colours, span layout, pages, index, third-party notice."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.viewer import palette
from castcorpus.cli.main import main
from contrast import AA_GRAPHICS, AA_TEXT, contrast_ratio
from castcorpus.corpus.reader import Corpus
from castcorpus.viewer.highlight import Mark, to_html
from castcorpus.viewer.render import render
from castcorpus.splits.assign import anchors, assign

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "valid" / "minimal"
HYDRATED = DATA / "valid" / "hydrated"
DISCOURSE = DATA / "discourse" / "corpus"


# --- colours -------------------------------------------------------------------------------

def test_contrast_ratio_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey


def test_every_schema_type_has_its_own_colour():
    assert palette.unknown_types() == []
    assert set(palette.claim_colours()) == set(palette.claim_types())
    assert set(palette.actor_colours()) == set(palette.actor_types())
    assert len(set(palette.claim_colours().values())) == len(palette.claim_types())
    assert len(set(palette.actor_colours().values())) == len(palette.actor_types())


@pytest.mark.parametrize("background", sorted({
    *palette.claim_colours().values(), *palette.actor_colours().values(), *palette.POLARITY.values(),
    palette.ACTIVE, palette.PAGE, palette.FALLBACK,
}))
def test_text_on_every_highlight_colour_meets_wcag_aa(background):
    assert contrast_ratio(palette.TEXT, background) >= AA_TEXT


def test_style_sheet_colours_meet_wcag_aa():
    """Fixed colours in viewer.css: text colours on the page and on the backgrounds they sit on."""
    css = (Path(palette.__file__).parent / "templates" / "viewer.css").read_text()
    pairs = [("#0a4fb4", palette.PAGE), ("#555555", palette.PAGE), ("#555555", "#f6f6f6"),
             ("#6b3b00", "#f6f6f6"), (palette.TEXT, "#fff7d1"), (palette.TEXT, "#fff4ce"), (palette.TEXT, "#f3f3f3")]
    for fg, bg in pairs:
        for colour in {fg, bg} - {palette.TEXT, palette.PAGE}:
            assert colour in css, colour  # the pair checked is still the one the style sheet uses
        assert contrast_ratio(fg, bg) >= AA_TEXT, (fg, bg)


def test_graphics_stand_out_from_the_page():
    for colour in (*palette.POLARITY_BARS.values(), palette.FOCUS, palette.ACTIVE_OUTLINE):
        assert contrast_ratio(colour, palette.PAGE) >= AA_GRAPHICS


# --- span layout ---------------------------------------------------------------------------

class _Fragments(HTMLParser):
    """Collects, per data-uid, the text inside each of its elements, and checks nesting."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.frags: dict[str, list[int]] = {}
        self.plain: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(a["data-uid"])
        self.texts.setdefault(a["data-uid"], []).append("")
        self.frags.setdefault(a["data-uid"], []).append(int(a["data-frag"]))

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.plain.append(data)
        for uid in set(self.stack):
            self.texts[uid][-1] += data


def layout(text: str, marks: list[Mark]) -> _Fragments:
    parser = _Fragments()
    parser.feed(to_html(text, marks))
    parser.close()
    assert parser.stack == []
    return parser


def test_nested_spans_stay_whole_and_crossing_spans_split():
    text = "abcdefghij"
    marks = [Mark("A", "claim", 0, 6), Mark("B", "claim", 3, 9), Mark("m", "mention", 1, 3), Mark("n", "mention", 4, 5)]
    parsed = layout(text, marks)
    assert "".join(parsed.plain) == text
    assert parsed.texts == {"A": ["abcdef"], "m": ["bc"], "B": ["def", "ghi"], "n": ["e"]}
    assert parsed.frags["B"] == [0, 1]


def test_claim_holding_several_mentions_is_one_element():
    text = "Shelling by the army killed the civilians"
    marks = [Mark("c", "claim", 0, len(text)), Mark("m1", "mention", 12, 20), Mark("m2", "mention", 28, 41)]
    parsed = layout(text, marks)
    assert parsed.texts["c"] == [text]
    assert parsed.texts["m1"] == ["the army"] and parsed.texts["m2"] == ["the civilians"]


def test_text_is_escaped():
    assert to_html("a <b> & c", [Mark("x", "claim", 2, 5)]).count("&lt;b&gt;") == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab <&\n", min_size=1, max_size=30).flatmap(
    lambda text: st.tuples(st.just(text), st.lists(
        st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)), st.sampled_from(["claim", "mention", "cue"])),
        max_size=8))))
def test_every_span_reads_back_as_its_text(case):
    text, raw = case
    marks = [Mark(f"u{i}", kind, s, e) for i, (s, e, kind) in enumerate(raw) if s < e]
    parsed = layout(text, marks)
    assert "".join(parsed.plain) == text
    for mark in marks:
        assert "".join(parsed.texts[mark.uid]) == text[mark.start:mark.end]
        assert parsed.frags[mark.uid] == list(range(len(parsed.frags[mark.uid])))


# --- pages and index -----------------------------------------------------------------------

def claim_elements(page: str, claim_id: str) -> set[str]:
    return set(re.findall(rf'data-kind="claim" data-uid="([^"]+)" data-frag="\d+" data-id="{claim_id}"', page))


def test_render_discourse_corpus(tmp_path):
    corpus = Corpus(DISCOURSE)
    result = render(corpus, tmp_path)
    assert sorted(result.pages) == ["np-convoy-republished", "np-market-strike", "rt-market-account"]
    assert result.notice is None and not (tmp_path / "NOTICE.txt").exists()
    page = result.pages["np-market-strike"].read_text()
    for record in corpus.documents(annotated_only=True):
        html = result.pages[record.id].read_text()
        for claim in record.annotation["claims"]:
            assert claim_elements(html, claim["id"]) == {f"claim-{claim['id']}"}
            assert f'id="entry-claim-{claim["id"]}"' in html
        for stance in record.annotation["stances"]:
            assert f'id="entry-stance-{stance["id"]}"' in html
    # Crossing claims c4/c5: c5 is cut into two fragments.
    assert 'data-uid="claim-c5" data-frag="1"' in page
    assert "author (North Post)" in page
    assert "Did the army shell the Old Market?" in page  # the cluster's question from clusters.json
    republished = result.pages["np-convoy-republished"].read_text()
    assert "author (River Times)" in republished and "republishing River Times" in republished


def test_pages_are_offline(tmp_path):
    render(Corpus(DISCOURSE), tmp_path)
    for page in tmp_path.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=', html), page
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in html


def test_index_lists_counts_splits_and_charts(tmp_path):
    corpus = Corpus(DISCOURSE)
    render(corpus, tmp_path)
    index = (tmp_path / "index.html").read_text()
    docs = corpus.documents()
    expected = assign((d.id, anchors(d.meta, d.annotation)) for d in docs)
    row = re.search(r'<tr data-doc="np-market-strike">(.*?)</tr>', index, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[3] == expected["np-market-strike"]
    assert [c for c in cells[-3:]] == ["9", "5", "3"]  # mentions, claims, stances
    assert 'href="documents/np-market-strike.html"' in index
    assert index.count("<svg") == 3 and "Claims per outlet and type" in index
    # River Times is the voice of the republished document: 2 + 2 claims, North Post 5.
    assert re.search(r"River Times: event 2", index) and re.search(r"North Post: event 2", index)


def test_third_party_text_gets_a_notice(tmp_path, capsys):
    out = tmp_path / "view"
    code = main(["render", "--corpus", str(MINIMAL), "--cache", str(HYDRATED), "--out", str(out)])
    assert code == 0
    assert "third-party text" in capsys.readouterr().err
    notice = (out / "NOTICE.txt").read_text()
    assert "DO NOT COMMIT" in notice and "gamma-aid-convoy" in notice
    assert (out / ".gitignore").read_text().splitlines()[-1] == "*"
    assert "Third-party text" in (out / "documents" / "gamma-aid-convoy.html").read_text()
    assert "Third-party text" not in (out / "documents" / "alpha-shelling-report.html").read_text()


def test_missing_text_is_listed_with_the_hydrate_command(tmp_path, capsys):
    out = tmp_path / "view"
    assert main(["render", "--corpus", str(MINIMAL), "--out", str(out)]) == 0
    assert "not rendered: gamma-aid-convoy" in capsys.readouterr().err
    assert not (out / "documents" / "gamma-aid-convoy.html").exists()
    assert not (out / "NOTICE.txt").exists()
    row = re.search(r'<tr class="not-rendered" data-doc="gamma-aid-convoy">(.*?)</tr>', (out / "index.html").read_text(), re.S)
    assert row and "castcorpus hydrate test-external" in row.group(1)


def test_selected_documents_and_unknown_id(tmp_path, capsys):
    out = tmp_path / "view"
    assert main(["render", "beta-ceasefire-talks", "--corpus", str(MINIMAL), "--out", str(out)]) == 0
    assert [p.name for p in (out / "documents").iterdir()] == ["beta-ceasefire-talks.html"]
    assert main(["render", "no-such-doc", "--corpus", str(MINIMAL), "--out", str(out)]) == 2
    assert "no such document" in capsys.readouterr().err


def test_index_shows_each_documents_events_and_source_label(tmp_path):
    corpus = Corpus(MINIMAL, cache_dir=HYDRATED)
    render(corpus, tmp_path)
    index = (tmp_path / "index.html").read_text()
    for record in corpus.iter_documents():
        row = re.search(rf'<tr[^>]*data-doc="{record.id}">(.*?)</tr>', index, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        events, label = cells[5], cells[6]
        expected = (record.meta.get("source_record") or {}).get("label")
        assert label == ("-" if expected is None else str(expected))
        shown = re.findall(r"<code>(.*?)</code>", events)
        assert shown == list(record.meta.get("reports_on") or []) and (shown or events == "-")
    assert re.search(r'data-doc="gamma-aid-convoy">.*?<td>1</td>', index, re.S)  # the fixture's labelled record


def test_chart_label_column_fits_the_longest_outlet_name():
    from castcorpus.viewer.charts import CHAR_W, label_width

    longest = "National Coalition for Syrian Revolutionary and Opposition Forces"
    assert label_width([longest, "SANA"]) >= CHAR_W * len(longest)
    assert label_width(["SANA"]) < label_width([longest])
