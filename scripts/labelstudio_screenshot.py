"""Take docs/label-studio-task.png: a task as a real Label Studio server renders it.

Starts Label Studio from .venv-label-studio (or $CASTCORPUS_LABEL_STUDIO) on 127.0.0.1, loads
the invented round-trip document (tests/data/label-studio/), opens its task in headless
Chromium (Selenium and chromedriver, as the browser tests use), selects one claim so that its
fields show, and saves the page. Chromium resolves no host but 127.0.0.1.

  python scripts/labelstudio_screenshot.py [--out docs/label-studio-task.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from labelstudio_server import PASSWORD, USER, executable, running  # noqa: E402

from castcorpus.cli.main import main as castcorpus  # noqa: E402

DATA = REPO / "tests" / "data"
DOCUMENT = "ls-relief-convoys"
SELECTED_CLAIM = "shelling killed four civilians overnight"


def _corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    shutil.copytree(DATA / "valid" / "minimal", corpus)
    shutil.copytree(DATA / "label-studio" / "corpus", corpus, dirs_exist_ok=True)
    return corpus


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--no-proxy-server",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def _shoot(url: str, project: int, task: int, out: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _browser()
    try:
        browser.get(f"{url}/user/login/")
        WebDriverWait(browser, 60).until(ready.presence_of_element_located((By.NAME, "email")))
        browser.find_element(By.NAME, "email").send_keys(USER)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
        WebDriverWait(browser, 60).until(lambda b: "/user/login" not in b.current_url)
        browser.get(f"{url}/projects/{project}/data?task={task}")
        region = (By.XPATH, f"//*[contains(@class, 'outliner-item__text') and contains(text(), '{SELECTED_CLAIM}')]")
        WebDriverWait(browser, 120).until(ready.presence_of_element_located(region))
        item = browser.find_element(*region)
        browser.execute_script("arguments[0].scrollIntoView()", item)
        item.click()
        time.sleep(3)  # let the relation arrows settle
        browser.save_screenshot(str(out))
    finally:
        browser.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "label-studio-task.png")
    args = parser.parse_args(argv)
    label_studio = executable()
    if label_studio is None:
        print("no Label Studio: make .venv-label-studio or set CASTCORPUS_LABEL_STUDIO", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = _corpus(tmp_path)
        cache = DATA / "valid" / "hydrated"
        if castcorpus(["export", "label-studio", "--corpus", str(corpus), "--cache", str(cache),
                       "--document", DOCUMENT, "--out", str(tmp_path / "ls")]) != 0:
            return 1
        (tmp_path / "server").mkdir()
        with running(label_studio, tmp_path / "server") as server:
            print(f"Label Studio answered after {server.seconds_to_start:.0f} s")
            answer = server.client("roundtrip", str(tmp_path / "ls" / "config.xml"), str(tmp_path / "ls" / "tasks.json"),
                                   str(tmp_path / "export.json"))
            _shoot(server.url, answer["project"], answer["tasks"][0], args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
