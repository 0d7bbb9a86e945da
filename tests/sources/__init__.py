"""Tests of the search clients, replayed from a local server; the helpers they share."""

from __future__ import annotations

from livingreview.http import HttpClient, ServiceSettings


class Sleeps(list):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Progress(list):
    """Records progress calls."""

    def __call__(self, done: int, total: int) -> None:
        self.append((done, total))


def service_http(
    name: str, base_url: str, secret_params: dict[str, str] | None = None, **kw: object
) -> HttpClient:
    """A client for service ``name`` at ``base_url``: no pacing, 3 tries, sleeps recorded."""
    settings = ServiceSettings(name=name, base_url=base_url, min_interval=0, max_tries=3)
    settings.secret_params.update(secret_params or {})
    kw.setdefault("sleep", Sleeps())
    return HttpClient(settings, **kw)  # type: ignore[arg-type]
