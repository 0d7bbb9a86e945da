"""The one HTTP layer every search client uses.

It owns: base URLs and credentials (never written anywhere), retries with exponential backoff and
jitter on 429/5xx/connection errors and cut transfers honouring ``Retry-After``, pacing shared by
every process on the machine (a lock file per service), and the raw-response archive that makes
each search auditable and replayable offline. A secret a service echoes back in a body is replaced
by ``[redacted]`` before anything else sees the body.
"""

from __future__ import annotations

import email.utils
import fcntl
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests

from livingreview.archive import RawArchive, request_key
from livingreview.errors import ConfigError, HTTPError, ReplayError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# Transfers that failed on the way: no answer, a timeout, or a body cut short or garbled.
RETRYABLE_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
UNUSABLE_URL = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)
REDACTED = b"[redacted]"
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/@]*)@")
Params = Mapping[str, str | int | float]


@dataclass
class ServiceSettings:
    """How to reach one service. Secrets are held here only, never archived or logged."""

    name: str
    base_url: str
    min_interval: float = 0.34
    max_tries: int = 6
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    timeout: float = 60.0
    user_agent: str = "livingreview"
    secret_params: dict[str, str] = field(default_factory=dict)
    secret_headers: dict[str, str] = field(default_factory=dict)
    public_params: dict[str, str] = field(default_factory=dict)
    pace_key: str = ""  # whose rate limit this is (service + host); "" = the name

    def url(self, path: str) -> str:
        """Join the base URL and an endpoint path (as sent: with any ``user:password@``)."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    @property
    def shown_base_url(self) -> str:
        """The base URL without ``user:password@``: what messages and manifests may show."""
        return _USERINFO.sub(r"\1", self.base_url)

    def shown_url(self, path: str) -> str:
        """:meth:`url` without credentials."""
        return self.shown_base_url.rstrip("/") + "/" + path.lstrip("/")

    def redact(self, body: bytes) -> bytes:
        """``body`` with every secret value (as sent or URL-encoded) replaced by ``[redacted]``.

        Services echo parameters back (NCBI's 429 body names the ``api-key``; error bodies quote
        the request), and bodies go to the archive and into error messages.
        """
        values = [*self.secret_params.values(), *self.secret_headers.values()]
        userinfo = _USERINFO.match(self.base_url)
        if userinfo:  # credentials in a mirror's URL, e.g. https://user:password@proxy/
            values += [part for part in userinfo.group(2).split(":", 1)[1:] if part]
        values += [v.split()[-1] for v in self.secret_headers.values() if v.split()]
        forms = {f for v in values for f in (v, quote(v, safe=""), quote_plus(v)) if len(f) >= 4}
        for secret in sorted(forms, key=len, reverse=True):
            body = body.replace(secret.encode("utf-8"), REDACTED)
        return body


@dataclass
class Response:
    """A completed exchange: status, body bytes and the headers that matter."""

    status: int
    body: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (services here all answer in UTF-8)."""
        return self.body.decode("utf-8", errors="replace")


class Pacer:
    """Keeps at least ``interval`` seconds between requests to one service, across processes.

    The time of the last request lives in a lock-protected file, so parallel Snakemake jobs that
    talk to the same service share one budget (NCBI counts requests per IP, not per process).
    """

    def __init__(self, name: str, interval: float, state_dir: Path | None) -> None:
        self.interval = interval
        self.path = (state_dir / f"{name}.pace") if state_dir else None
        self._last = 0.0

    def slow_down(self, factor: float = 1.5) -> None:
        """Widen the interval after the service said we were too fast."""
        self.interval = min(max(self.interval * factor, 0.1), 10.0)

    def wait(self, sleep: Callable[[float], None]) -> None:
        """Block until this process may send its next request."""
        if self.interval <= 0:
            return
        if self.path is None:
            delay = self._last + self.interval - time.monotonic()
            if delay > 0:
                sleep(delay)
            self._last = time.monotonic()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                last = float(handle.read().strip() or 0.0)
            except ValueError:
                last = 0.0
            delay = last + self.interval - time.time()
            if delay > 0:
                sleep(min(delay, self.interval))
            handle.seek(0)
            handle.truncate()
            handle.write(f"{time.time():.6f}")
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``15.2 h``: a wait as a reader takes it in."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a ``Retry-After`` header given in seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpClient:
    """Sends requests for one service, or answers them from a raw-response archive (replay).

    Args:
        settings: where and how to reach the service.
        archive: if given, every response received is saved there (the audit trail).
        replay: if given, responses come from this archive and nothing goes on the network.
        state_dir: where the cross-process pacing files live.
        sleep: the sleep function (tests pass a recorder to keep backoff fast).
    """

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        archive: RawArchive | None = None,
        replay: RawArchive | None = None,
        state_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.replay = replay
        self.sleep = sleep
        self.pacer = Pacer(settings.pace_key or settings.name, settings.min_interval, state_dir)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.requests_sent = 0

    def get(self, path: str, params: Params | None = None, **kw: object) -> Response:
        """GET ``base_url/path`` with query parameters."""
        return self.request("GET", path, params or {}, **kw)  # type: ignore[arg-type]

    def post(self, path: str, data: Params | None = None, **kw: object) -> Response:
        """POST form data (used for long id lists and long queries)."""
        return self.request("POST", path, data or {}, **kw)  # type: ignore[arg-type]

    def request(
        self,
        method: str,
        path: str,
        params: Params,
        *,
        transient: Callable[[Response], str | None] | None = None,
        accept_status: frozenset[int] = frozenset({200}),
    ) -> Response:
        """Send one logical request, retrying transient failures.

        ``transient`` may inspect a 200 response and return a message when its body reports a
        temporary in-band error (e.g. PubMed's ``Search Backend failed``), which is retried too.
        """
        public = {k: str(v) for k, v in {**self.settings.public_params, **params}.items()}
        key = request_key(method, path, public)
        if self.replay is not None:
            response = self._replay(key)
            if self.archive is not None:
                self.archive.save(method, path, public, response)
            return self._check(response, method, path, accept_status)
        last_problem = ""
        for attempt in range(1, self.settings.max_tries + 1):
            self.pacer.wait(self.sleep)
            try:
                response = self._send(method, path, public)
            except RETRYABLE_ERRORS as exc:
                last_problem = f"connection error: {type(exc).__name__}"
                response = None
            except UNUSABLE_URL:
                raise ConfigError(
                    f"{self.settings.name}: base URL {self.settings.shown_base_url!r} is not a "
                    "usable http(s) URL (sources.<name>.base_url or LIVINGREVIEW_<CLIENT>_BASE_URL)"
                ) from None
            except requests.RequestException as exc:  # e.g. too many redirects: not transient
                raise HTTPError(
                    f"{self.settings.name}: {method} {self.settings.shown_url(path)} failed: "
                    f"{type(exc).__name__}",
                    url=self.settings.shown_url(path),
                ) from None
            if response is not None:
                problem = self._transient_problem(response, transient)
                if problem is None:
                    if self.archive is not None:
                        self.archive.save(method, path, public, response)
                    return self._check(response, method, path, accept_status)
                last_problem = problem
                self._refuse_long_wait(method, path, response, self.settings.max_tries - attempt)
                if response.status == 429:
                    self.pacer.slow_down()
            if attempt == self.settings.max_tries:
                break
            delay = self._backoff(attempt, response)
            log.warning(
                "%s %s: %s; retry %d/%d in %.1fs",
                self.settings.name,
                path,
                last_problem,
                attempt,
                self.settings.max_tries - 1,
                delay,
            )
            self.sleep(delay)
        raise HTTPError(
            f"{self.settings.name}: {method} {self.settings.shown_url(path)} failed after "
            f"{self.settings.max_tries} tries: {last_problem}",
            status=response.status if response is not None else None,
            url=self.settings.shown_url(path),
        )

    def _send(self, method: str, path: str, public: dict[str, str]) -> Response:
        params = {**public, **self.settings.secret_params}
        url = self.settings.url(path)
        self.requests_sent += 1
        if method == "GET":
            raw = self.session.get(
                url,
                params=params,
                headers=self.settings.secret_headers,
                timeout=self.settings.timeout,
            )
        else:
            raw = self.session.post(
                url,
                data=params,
                headers=self.settings.secret_headers,
                timeout=self.settings.timeout,
            )
            self._refuse_lost_form(path, raw.history)
        keep = {"retry-after", "x-ratelimit-limit", "x-rate-limit-limit", "x-rate-limit-interval"}
        headers = {k.lower(): v for k, v in raw.headers.items() if k.lower() in keep}
        body = self.settings.redact(raw.content)
        return Response(raw.status_code, body, raw.headers.get("Content-Type", ""), headers)

    def _refuse_lost_form(self, path: str, history: list[requests.Response]) -> None:
        """Fail when a POST was redirected by 301/302/303: requests re-sends it as a GET without
        its form data, and that answer (to an empty query) must not pass as the POST's."""
        moved = next((r for r in history if r.status_code in (301, 302, 303)), None)
        if moved is None:
            return
        location = self.settings.redact(moved.headers.get("Location", "").encode()).decode()
        location = _USERINFO.sub(r"\1", location)
        raise HTTPError(
            f"{self.settings.name}: POST {self.settings.shown_url(path)} was redirected (HTTP "
            f"{moved.status_code}) to {location!r}, which would lose the "
            "query sent as form data; set the base URL to the address the service moved to",
            status=moved.status_code,
            url=self.settings.shown_url(path),
        )

    def _refuse_long_wait(self, method: str, path: str, response: Response, left: int) -> None:
        """Fail at once when a refusal's ``Retry-After`` outlasts every retry ``left`` (each waits
        at most ``backoff_max``): OpenAlex answers a spent daily budget with 429 and a wait of
        hours, and asking again sooner only fails again. The message quotes the service."""
        wait = retry_after_seconds(response.headers.get("retry-after"))
        span = self.settings.backoff_max * left
        if wait is None or left <= 0 or wait <= span:
            return
        said = response.text.strip().replace("\n", " ")[:300]
        raise HTTPError(
            f"{self.settings.name}: {method} {self.settings.shown_url(path)} answered HTTP "
            f"{response.status} and asks to wait {_duration(wait)} (Retry-After) before asking "
            f"again, longer than the {left} retries left would wait ({_duration(span)}); run it "
            f"again then" + (f": {said}" if said else ""),
            status=response.status,
            url=self.settings.shown_url(path),
        )

    @staticmethod
    def _transient_problem(
        response: Response, transient: Callable[[Response], str | None] | None
    ) -> str | None:
        if response.status in RETRYABLE_STATUS:
            return f"HTTP {response.status}"
        if response.status == 200 and transient is not None:
            return transient(response)
        return None

    def _backoff(self, attempt: int, response: Response | None) -> float:
        hinted = retry_after_seconds(response.headers.get("retry-after")) if response else None
        if hinted is not None:
            return min(hinted, self.settings.backoff_max)
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        return ceiling * random.uniform(0.5, 1.0)

    def _check(
        self, response: Response, method: str, path: str, accept: frozenset[int]
    ) -> Response:
        if response.status in accept:
            return response
        snippet = response.text.strip().replace("\n", " ")[:300]
        raise HTTPError(
            f"{self.settings.name}: {method} {self.settings.shown_url(path)} answered HTTP "
            f"{response.status}: {snippet}",
            status=response.status,
            url=self.settings.shown_url(path),
        )

    def _replay(self, key: str) -> Response:
        assert self.replay is not None
        found = self.replay.take(key)
        if found is None:
            raise ReplayError(
                f"{self.settings.name}: the raw-response archive {self.replay.directory} holds no "
                f"response for {key}; the replayed search differs from the recorded one"
            )
        return found
