"""castcorpus render in a real browser: headless Chromium driven by Selenium (chromium-driver).

Renders every annotated document whose text is at hand: the repository corpus (the seed
document once its gold file exists) and the invented test corpora; at least one is required.
For each page: every claim span is highlighted once in its type's colour; selecting a claim or
a stance in the panel highlights exactly its span or evidence; clicking a span in the text
selects its panel entry; the keyboard moves through the entries with a visible focus ring.
Without Chromium the tests skip, except under CI (CI set to anything but false or 0), where they fail.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from castcorpus.viewer import palette
from conftest import in_ci
from contrast import rgb
from castcorpus.corpus.reader import Corpus
from castcorpus.viewer.render import render

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
# Hydrated FA-KES texts of the user's cache are not used: the pages must not depend on it.
NO_CACHE = Path(tempfile.gettempdir()) / "castcorpus-browser-tests-no-cache"
CORPORA = {  # name: (corpus root, cache of hydrated texts or None)
    "repository": (REPO / "corpus", None),
    "discourse": (DATA / "discourse" / "corpus", None),
    "minimal": (DATA / "valid" / "minimal", DATA / "valid" / "hydrated"),
}


def cases() -> list[tuple[str, str]]:
    """(corpus name, document id) of every annotated document whose text can be read."""
    found = []
    for name, (root, cache) in CORPORA.items():
        corpus = Corpus(root, cache_dir=cache or NO_CACHE)
        found += [(name, r.id) for r in corpus.iter_documents(annotated_only=True) if r.text is not None]
    return found


CASES = cases()


def test_there_is_something_to_render():
    assert CASES, "no annotated document with a readable text"


def _need(what: str):
    message = f"{what} is needed for the browser tests (apt-get install chromium chromium-driver)"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium")
    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        _need("chromium and chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Each corpus rendered once: name -> (output folder, Corpus)."""
    sites = {}
    for name in sorted({n for n, _ in CASES}):
        root, cache = CORPORA[name]
        corpus = Corpus(root, cache_dir=cache or tmp_path_factory.mktemp("empty-cache"))
        out = tmp_path_factory.mktemp(f"render-{name}")
        render(corpus, out, sorted(d for n, d in CASES if n == name))
        sites[name] = (out, corpus)
    return sites


def open_page(browser, site, name, doc_id):
    out, corpus = site[name]
    record = next(r for r in corpus.iter_documents() if r.id == doc_id)
    browser.get((out / "documents" / f"{doc_id}.html").as_uri())
    return record


def same_colour(css_value: str, colour: str) -> bool:
    """A computed CSS colour (``rgb(...)`` or opaque ``rgba(...)``) equals ``#rrggbb``."""
    channels = [float(c) for c in re.findall(r"[\d.]+", css_value)]
    return tuple(int(c) for c in channels[:3]) == rgb(colour) and (len(channels) < 4 or channels[3] == 1)


JS_ACTIVE = """return Array.from(document.querySelectorAll('#text .active')).map(
  e => [e.dataset.kind, e.dataset.id || e.dataset.stances || '', e.dataset.uid, e.textContent]);"""
JS_SELECTED = "return Array.from(document.querySelectorAll('.entry[aria-selected=\"true\"]')).map(e => e.id);"


def select_entry(browser, entry_id):
    entry = browser.find_element("id", entry_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", entry)
    entry.click()


@pytest.mark.parametrize("name,doc_id", CASES)
def test_every_claim_span_is_highlighted(browser, site, name, doc_id):
    record = open_page(browser, site, name, doc_id)
    claims = record.annotation["claims"]
    for claim in claims:
        parts = browser.execute_script(
            "return Array.from(document.querySelectorAll('#text [data-kind=\"claim\"][data-id=\"' + arguments[0] + '\"]'))"
            ".map(e => [e.dataset.uid, e.textContent, getComputedStyle(e).backgroundColor]);", claim["id"])
        assert len({uid for uid, _, _ in parts}) == 1  # one highlighted span per claim, as annotated
        assert "".join(t for _, t, _ in parts) == record.text[claim["span"]["start"]:claim["span"]["end"]]
        assert same_colour(parts[0][2], palette.claim_colours()[claim["type"]])
    total = browser.execute_script(
        "return new Set(Array.from(document.querySelectorAll('#text [data-kind=\"claim\"]')).map(e => e.dataset.uid)).size;")
    assert total == len(claims)


@pytest.mark.parametrize("name,doc_id", CASES)
def test_selecting_a_claim_highlights_exactly_its_span(browser, site, name, doc_id, tmp_path):
    record = open_page(browser, site, name, doc_id)
    for claim in record.annotation["claims"]:
        select_entry(browser, f"entry-claim-{claim['id']}")
        active = browser.execute_script(JS_ACTIVE)
        assert {(kind, ident) for kind, ident, _, _ in active} == {("claim", claim["id"])}
        assert "".join(t for _, _, _, t in active) == record.text[claim["span"]["start"]:claim["span"]["end"]]
        assert browser.execute_script(JS_SELECTED) == [f"entry-claim-{claim['id']}"]
        first = browser.find_element("css selector", "#text .active")
        assert same_colour(first.value_of_css_property("background-color"), palette.ACTIVE)
    shot = tmp_path / f"{doc_id}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 0
    shutil.copy(shot, Path(tempfile.gettempdir()) / f"castcorpus-render-{name}-{doc_id}.png")


@pytest.mark.parametrize("name,doc_id", CASES)
def test_selecting_a_stance_highlights_its_evidence(browser, site, name, doc_id):
    record = open_page(browser, site, name, doc_id)
    for stance in record.annotation["stances"]:
        select_entry(browser, f"entry-stance-{stance['id']}")
        active = browser.execute_script(JS_ACTIVE)
        assert all(kind == "evidence" and stance["id"] in owners.split() for kind, owners, _, _ in active)
        by_uid: dict[str, str] = {}
        for _, _, uid, text in active:
            by_uid[uid] = by_uid.get(uid, "") + text
        assert sorted(by_uid.values()) == sorted(record.text[s["start"]:s["end"]] for s in stance["evidence"])


JS_CLICK_POINT = """
const frags = document.querySelectorAll('#text [data-kind="claim"][data-id="' + arguments[0] + '"]');
for (const frag of frags) {
  for (const node of frag.childNodes) {
    // A point on this claim's own text (or a mention in it), not on a nested claim, cue or evidence.
    const free = node.nodeType === Node.TEXT_NODE || (node.dataset && node.dataset.kind === 'mention');
    if (!free || !node.textContent.trim()) continue;
    node.parentNode.scrollIntoView({block: 'center'});
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getClientRects()[0];
    if (r && r.width > 2) return [r.left + r.width / 2, r.top + r.height / 2];
  }
}
return null;"""


@pytest.mark.parametrize("name,doc_id", CASES)
def test_clicking_a_span_selects_its_panel_entry(browser, site, name, doc_id):
    from selenium.webdriver.common.action_chains import ActionChains

    record = open_page(browser, site, name, doc_id)
    clicked = 0
    for claim in record.annotation["claims"]:
        point = browser.execute_script(JS_CLICK_POINT, claim["id"])
        if point is None:  # wholly covered by nested spans: reachable through them only
            continue
        actions = ActionChains(browser)
        actions.w3c_actions.pointer_action.move_to_location(int(point[0]), int(point[1]))
        actions.w3c_actions.pointer_action.click()
        actions.perform()
        entry_id = f"entry-claim-{claim['id']}"
        assert browser.execute_script(JS_SELECTED) == [entry_id]
        assert browser.execute_script("return document.activeElement.id;") == entry_id
        active = browser.execute_script(JS_ACTIVE)
        assert {(kind, ident) for kind, ident, _, _ in active} == {("claim", claim["id"])}
        clicked += 1
    assert clicked >= min(1, len(record.annotation["claims"]))


@pytest.mark.parametrize("name,doc_id", CASES)
def test_keyboard_moves_through_entries_with_visible_focus(browser, site, name, doc_id):
    from selenium.webdriver.common.keys import Keys

    record = open_page(browser, site, name, doc_id)
    claims = record.annotation["claims"]
    if not claims:
        pytest.skip("document without claims")
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    for _ in range(60):  # Tab until the first claim entry has the focus
        if browser.execute_script("return document.activeElement.id;") == f"entry-claim-{claims[0]['id']}":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    else:
        pytest.fail("Tab never reached the first claim entry")
    target = claims[1] if len(claims) > 1 else claims[0]
    focused = browser.switch_to.active_element
    if len(claims) > 1:
        focused.send_keys(Keys.ARROW_DOWN)
        focused = browser.switch_to.active_element
    assert focused.get_attribute("id") == f"entry-claim-{target['id']}"
    assert focused.value_of_css_property("outline-style") == "solid"
    assert same_colour(focused.value_of_css_property("outline-color"), palette.FOCUS)
    focused.send_keys(Keys.ENTER)
    assert browser.execute_script(JS_SELECTED) == [f"entry-claim-{target['id']}"]
    active = browser.execute_script(JS_ACTIVE)
    assert "".join(t for _, _, _, t in active) == record.text[target["span"]["start"]:target["span"]["end"]]
    focused.send_keys(Keys.ESCAPE)
    assert browser.execute_script(JS_ACTIVE) == [] and browser.execute_script(JS_SELECTED) == []


def test_index_links_to_the_rendered_pages(browser, site):
    name = CASES[0][0]
    out, _ = site[name]
    browser.get((out / "index.html").as_uri())
    links = browser.find_elements("css selector", "table.docs a")
    assert {link.get_attribute("href").rsplit("/", 1)[-1] for link in links} == \
        {f"{d}.html" for n, d in CASES if n == name}
    assert len(browser.find_elements("css selector", "svg.chart")) == 3
    headers = [h.text for h in browser.find_elements("css selector", "table.docs thead th")]
    assert "Events" in headers and "Source label" in headers
    assert all(cell.is_displayed() for cell in browser.find_elements("css selector", "table.docs td.events"))
    # No chart label starts left of its chart (a cut outlet name), and dates stay on one line.
    lefts = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart text')).map(t => t.getBBox().x);")
    assert lefts and min(lefts) >= 0
    heights = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.docs td.date')).map(td => {"
        " const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; });")
    assert heights and all(h <= 1 for h in heights)  # one line box per date (none for a missing date)
    links[0].click()
    assert browser.find_element("id", "text").is_displayed()
