"""Downloading a published source file, verified and written atomically.

:func:`download` streams the file into a temporary file next to the destination while
hashing it, with a tqdm progress bar, and renames it into place only when its size and
SHA-256 are the expected ones. Any failure (offline, HTTP error, connection dropped midway,
wrong checksum) raises :class:`DownloadError` and leaves the destination as it was.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

CHUNK = 64 * 1024
OFFLINE_HINT = "if you are offline, download the file elsewhere and pass it with --from PATH"


class DownloadError(Exception):
    """The file could not be downloaded or is not the expected one; nothing was written."""


def download(url: str, dest: Path, sha256: str, size: int | None = None, *,
             progress: bool = True, timeout: float = 60) -> Path:
    """Fetch ``url`` into ``dest`` when its SHA-256 (and ``size``, if given) match."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part-{os.getpid()}")
    try:
        got_size, digest = _fetch(url, tmp, size, progress, timeout)
        if size is not None and got_size != size:
            raise DownloadError(f"{url}: the connection closed after {got_size} of {size} bytes; "
                                f"nothing was written. Try again, or {OFFLINE_HINT}")
        if digest != sha256:
            raise DownloadError(f"{url}: the downloaded file has SHA-256 {digest}, expected {sha256}; "
                                "nothing was written")
        os.replace(tmp, dest)
        return dest
    finally:
        if tmp.exists():
            tmp.unlink()


def _fetch(url: str, tmp: Path, size: int | None, progress: bool, timeout: float) -> tuple[int, str]:
    """Stream ``url`` into ``tmp``; return the byte count and SHA-256."""
    digest, count = hashlib.sha256(), 0
    request = urllib.request.Request(url, headers={"User-Agent": "castcorpus"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or size
            with tqdm(total=total, unit="B", unit_scale=True, desc=tmp.name.split(".part-")[0].lstrip("."),
                      disable=not progress, leave=False) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    count += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as err:
        raise DownloadError(f"{url}: the server answered HTTP {err.code} {err.reason}; nothing was written") from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", None) or err
        raise DownloadError(f"{url}: cannot download ({reason}); nothing was written; {OFFLINE_HINT}") from err
    except http.client.HTTPException as err:  # e.g. IncompleteRead: the connection dropped midway
        raise DownloadError(f"{url}: the download failed after {count} bytes ({err!r}); nothing was written; "
                            f"{OFFLINE_HINT}") from err
    return count, digest.hexdigest()
