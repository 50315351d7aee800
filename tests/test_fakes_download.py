"""Downloading the FA-KES file, against a local HTTP server on 127.0.0.1 (no network)."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading

import pytest

from castcorpus.cli.main import main
from castcorpus.sources.download import DownloadError, download


class _Handler(http.server.BaseHTTPRequestHandler):
    """/good serves the file, /corrupt a copy with one byte changed, /drop half of it and
    then closes the connection although it announced the full length."""

    payload = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.payload
        if self.path.startswith("/corrupt"):
            body = body[:100] + bytes([body[100] ^ 1]) + body[101:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path.startswith("/drop"):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(fakes_csv):
    handler = type("Handler", (_Handler,), {"payload": fakes_csv.read_bytes()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def spec(corpus_root):
    return _fakes(json.loads((corpus_root / "collections.json").read_text()))["file"]


def _fakes(collections: dict) -> dict:
    return next(c for c in collections["collections"] if c["key"] == "fa-kes")


def test_download_writes_the_verified_file(server, spec, fakes_csv, tmp_path):
    dest = tmp_path / "cache" / "FA-KES-Dataset.csv"
    assert download(f"{server}/good", dest, spec["sha256"], spec["bytes"], progress=False) == dest
    assert dest.read_bytes() == fakes_csv.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


def test_corrupted_download_writes_nothing(server, spec, tmp_path):
    dest = tmp_path / "FA-KES-Dataset.csv"
    with pytest.raises(DownloadError, match="SHA-256"):
        download(f"{server}/corrupt", dest, spec["sha256"], spec["bytes"], progress=False)
    assert list(tmp_path.iterdir()) == []


def test_dropped_connection_keeps_the_previous_copy(server, spec, tmp_path):
    dest = tmp_path / "FA-KES-Dataset.csv"
    dest.write_bytes(b"previous copy")
    with pytest.raises(DownloadError, match="nothing was written"):
        download(f"{server}/drop", dest, spec["sha256"], spec["bytes"], progress=False)
    assert dest.read_bytes() == b"previous copy"
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]


def _corpus_with_url(corpus_root, tmp_path, url):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_root, corpus)
    path = corpus / "collections.json"
    value = json.loads(path.read_text())
    _fakes(value)["file"]["url"] = url
    path.write_text(json.dumps(value))
    return corpus


def test_cli_download_then_hydrate_from_the_cache(server, corpus_root, tmp_path, capsys):
    corpus = _corpus_with_url(corpus_root, tmp_path, f"{server}/good")
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--download", "--corpus", str(corpus), "--cache", str(cache), "--quiet"]) == 0
    assert (cache / "fa-kes" / "FA-KES-Dataset.csv").exists()
    assert len(list((cache / "fa-kes" / "texts").iterdir())) == 804
    # later runs find the downloaded copy by themselves
    assert main(["hydrate", "fa-kes", "--corpus", str(corpus), "--cache", str(cache), "--quiet"]) == 0
    assert "804 unchanged" in capsys.readouterr().err


def test_cli_download_offline_says_how_to_use_from(corpus_root, tmp_path, capsys):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    corpus = _corpus_with_url(corpus_root, tmp_path, f"http://127.0.0.1:{port}/FA-KES-Dataset.csv")
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--download", "--corpus", str(corpus), "--cache", str(cache), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot download" in err and "--from PATH" in err
    assert not (cache / "fa-kes" / "texts").exists()
