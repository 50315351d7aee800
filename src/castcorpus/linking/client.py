"""The Wikidata API (``wbsearchentities``, ``wbgetentities``, ``wbgetclaims``), politely.

Every request names the project in its User-Agent (with the contact the user gives, as the
Wikimedia User-Agent policy asks), sends ``maxlag`` so that the servers can turn it away when
they are lagging, and waits as long as the servers ask (``Retry-After``) before a bounded
number of retries. The HTTP opener is injectable: tests pass one that answers from recorded
responses, so no test opens a socket.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterable

from castcorpus.version import __version__

ENDPOINT = "https://www.wikidata.org/w/api.php"
#: ids per wbgetentities request (the API's limit for ordinary clients).
BATCH = 50
#: Seconds to wait before a retry when the server does not say (doubled on each retry).
BACKOFF = 5.0


class WikidataError(Exception):
    """A request failed for good; ``code`` is the issue code that says how."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def user_agent(contact: str | None) -> str:
    """The User-Agent: the tool, its version, the project and, if given, how to reach its user."""
    reach = f"; {contact}" if contact else ""
    return f"castcorpus/{__version__} (CAST-Syria corpus, link-wikidata{reach}) python-urllib"


class ApiClient:
    """Read-only client of the Wikidata API.

    ``opener(request, timeout)`` returns a response (``read()``, ``headers``) or raises as
    :func:`urllib.request.urlopen` does; ``sleep`` waits (tests pass a recorder).
    """

    def __init__(self, opener: Callable[..., Any] | None = None, *, endpoint: str = ENDPOINT,
                 contact: str | None = None, maxlag: int = 5, retries: int = 3, timeout: float = 30.0,
                 max_wait: float = 120.0, sleep: Callable[[float], None] = time.sleep):
        self.opener = opener or urllib.request.urlopen
        self.endpoint, self.agent, self.maxlag = endpoint, user_agent(contact), maxlag
        self.retries, self.timeout, self.max_wait, self.sleep = retries, timeout, max_wait, sleep
        self.requests = 0

    # --- the API actions ------------------------------------------------------------------
    def search(self, text: str, language: str, limit: int) -> list[str]:
        """The ids of items ``wbsearchentities`` finds for ``text`` (labels and aliases), best first."""
        data = self.get({"action": "wbsearchentities", "search": text, "language": language,
                         "uselang": language, "type": "item", "limit": str(limit)})
        hits = data.get("search")
        if not isinstance(hits, list):
            raise WikidataError("wikidata-bad-response", f"wbsearchentities for {text!r} answered without a search list")
        return [hit["id"] for hit in hits if isinstance(hit, dict) and isinstance(hit.get("id"), str)]

    def entities(self, ids: Iterable[str], language: str, props: str = "labels|aliases|descriptions|claims") -> dict:
        """Entity JSON by id for ``ids`` (``wbgetentities``, in batches); missing ids left out."""
        ids, found = list(dict.fromkeys(ids)), {}
        for start in range(0, len(ids), BATCH):
            data = self.get({"action": "wbgetentities", "ids": "|".join(ids[start:start + BATCH]), "props": props,
                             "languages": f"{language}|mul"})
            entities = data.get("entities")
            if not isinstance(entities, dict):
                raise WikidataError("wikidata-bad-response", "wbgetentities answered without entities")
            found.update({qid: e for qid, e in entities.items() if isinstance(e, dict) and "missing" not in e})
        return found

    def claims(self, qid: str, prop: str) -> dict:
        """The statements of one property of one item (``wbgetclaims``): small, where the
        whole entity of a country would be megabytes."""
        data = self.get({"action": "wbgetclaims", "entity": qid, "property": prop})
        return {"id": qid, "claims": data.get("claims") or {}}

    # --- one request, with retries ----------------------------------------------------------
    def get(self, params: dict[str, str]) -> dict:
        """One GET of the API with ``params``; the decoded JSON answer."""
        query = {**params, "format": "json", "formatversion": "2", "maxlag": str(self.maxlag)}
        url = f"{self.endpoint}?{urllib.parse.urlencode(query)}"
        what = params.get("action", "request")
        for attempt in range(self.retries + 1):
            wait = self._attempt(url, what)
            if isinstance(wait, dict):
                return wait
            if attempt == self.retries:
                raise WikidataError("wikidata-rate-limited",
                                    f"{what}: still turned away (rate limit or server lag) after {self.retries} "
                                    "retries; try again later, or use --dump with a local subset of the Wikidata dump")
            self.sleep(wait if wait is not None else BACKOFF * 2 ** attempt)
        raise AssertionError("unreachable")

    def _attempt(self, url: str, what: str) -> dict | float | None:
        """The answer, or how long to wait before retrying (None: the server did not say)."""
        request = urllib.request.Request(url, headers={"User-Agent": self.agent, "Accept": "application/json"})
        self.requests += 1
        try:
            with self.opener(request, timeout=self.timeout) as response:
                body, headers = response.read(), response.headers
        except urllib.error.HTTPError as err:
            if err.code in (429, 503):
                return self._retry_after(err.headers, what)
            raise WikidataError("wikidata-bad-response", f"{what}: the server answered HTTP {err.code} {err.reason}") from err
        except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as err:
            raise _network_error(err, what, self.timeout) from err
        data = _decode(body, what)
        error = data.get("error")
        if isinstance(error, dict):
            if error.get("code") == "maxlag":  # the servers lag: wait as they say, then retry
                return self._retry_after(headers, what)
            raise WikidataError("wikidata-bad-response",
                                f"{what}: the API answered error {error.get('code')!r}: {error.get('info', '')}")
        return data

    def _retry_after(self, headers, what: str) -> float | None:
        wait = retry_after(headers.get("Retry-After") if headers is not None else None)
        if wait is not None and wait > self.max_wait:
            raise WikidataError("wikidata-rate-limited",
                                f"{what}: the server asks to wait {wait:.0f} s before retrying, longer than "
                                f"{self.max_wait:.0f} s; try again later")
        return wait


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _decode(body: bytes, what: str) -> dict:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as err:
        raise WikidataError("wikidata-bad-response", f"{what}: the answer is not JSON ({err})") from err
    if not isinstance(data, dict):
        raise WikidataError("wikidata-bad-response", f"{what}: the answer is not a JSON object")
    return data


def _network_error(err: Exception, what: str, timeout: float) -> WikidataError:
    reason = getattr(err, "reason", err)
    if isinstance(err, TimeoutError) or isinstance(reason, TimeoutError):
        return WikidataError("wikidata-timeout", f"{what}: no answer within {timeout:.0f} s; try again later "
                                                 "or with a larger --timeout")
    return WikidataError("wikidata-unreachable", f"{what}: cannot reach Wikidata ({reason}); check the network, "
                                                 "or use --dump with a local subset of the Wikidata dump")
