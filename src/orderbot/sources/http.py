"""One polite, bounded download: httpx with timeouts, a size cap, a content-type check,
redirects followed, and retries with exponential backoff (tenacity) for passing failures
(timeouts, connection errors, HTTP 429 and 5xx). A 404 or a wrong type is not retried."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from orderbot.config import SourcesSettings
from orderbot.errors import FetchError
from orderbot.retrying import Passing, is_passing

# Content types a source may have, and the extension it is stored under.
EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
}


class Unreachable(FetchError):
    """The host could not be connected to (after the retries)."""


class _TimedOut(Passing):
    """The whole download took longer than the timeout (a trickling body)."""


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def make_client(settings: SourcesSettings) -> httpx.Client:
    return httpx.Client(
        headers={"User-Agent": settings.user_agent, "Accept": ", ".join(EXTENSIONS)},
        timeout=httpx.Timeout(settings.timeout_s),
        follow_redirects=True,
        max_redirects=5,
    )


def download(
    client: httpx.Client,
    url: str,
    settings: SourcesSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Download:
    """The body at ``url``; a conditional request when ``etag``/``last_modified`` are
    given (a 304 comes back as ``not_modified``). Raises FetchError, or Unreachable."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    retrying = Retrying(
        stop=stop_after_attempt(settings.retries + 1),
        wait=wait_exponential(multiplier=settings.backoff_s, max=60),
        retry=retry_if_exception(is_passing),
        reraise=True,
    )
    try:
        return retrying(_once, client, url, headers, settings)
    except httpx.ConnectError as exc:
        raise Unreachable(f"cannot connect ({exc})") from exc
    except (httpx.TimeoutException, _TimedOut) as exc:
        raise FetchError(f"timed out after {settings.timeout_s:g}s") from exc
    except Passing as exc:
        raise FetchError(str(exc)) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def _once(
    client: httpx.Client, url: str, headers: dict[str, str], settings: SourcesSettings
) -> Download:
    started = time.monotonic()
    with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        if status == 304:
            return Download(url, str(response.url), "", b"", not_modified=True)
        if status == 429 or status >= 500:
            raise Passing(f"HTTP {status} {response.reason_phrase}")
        if status >= 400:
            raise FetchError(f"HTTP {status} {response.reason_phrase}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in EXTENSIONS:
            raise FetchError(
                f"content type {content_type or 'none'!r} is not one of {', '.join(EXTENSIONS)}"
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_bytes:
            raise FetchError(f"{int(declared):,} bytes exceeds the cap of {settings.max_bytes:,}")
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > settings.max_bytes:
                raise FetchError(f"more than {settings.max_bytes:,} bytes (the cap)")
            if time.monotonic() - started > settings.timeout_s:
                raise _TimedOut(f"timed out after {settings.timeout_s:g}s")
        return Download(
            url=url,
            final_url=str(response.url),
            content_type=content_type,
            body=bytes(body),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
