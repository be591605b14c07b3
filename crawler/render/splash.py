"""Pages rendered by Splash through scrapy-splash: the requests of a seed with
``render = "splash"``, and the add-on that sets scrapy-splash up when ``SPLASH_URL`` is set."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.exceptions import (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from crawler.render import Renderer
from crawler.render.splash_compat import SplashJsonResponse, SplashRequest, SplashTextResponse

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from crawler.seeds import Source

# The WebKit engine renders through /execute with this script: it passes the site's own HTTP
# status through (render.html answers 200 with a site's 404 page), waits for what the page must
# show (render.html cannot), and runs the seed's lua_source. A page that never shows it fails
# with the error "wait_for_timeout".
LUA_SCRIPT = """
function main(splash, args)
  local ok, reason = splash:go{args.url, headers=args.headers}
  if not ok then
    local status = reason:match("^http(%d%d%d)$")
    if status then
      return {html=splash:html(), url=splash:url(), http_status=tonumber(status)}
    end
    error(reason)
  end
  seed_actions(splash, args)
  if args.wait_for ~= "" then
    local found = false
    for _ = 0, math.ceil(args.wait_for_timeout / 0.1) do
      if splash:evaljs(args.wait_for) then
        found = true
        break
      end
      splash:wait(0.1)
    end
    if not found then
      error("wait_for_timeout")
    end
  end
  if args.wait > 0 then
    splash:wait(args.wait)
  end
  local status = 200
  local history = splash:history()
  if #history > 0 then
    status = history[#history].response.status
  end
  if status == 304 then
    status = 200  -- WebKit's cache revalidated the page: the page is there
  end
  return {html=splash:html(), url=splash:url(), http_status=status}
end
"""

# Splash's network errors (Qt's QNetworkReply codes: "network3", or {"type": "Network",
# "code": 3}) as the stats keys a plain download would give.
NETWORK_ERRORS = {1: "connection_refused", 2: "connection_lost", 3: "dns", 4: "timeout"}
# The longest render Splash accepts by default (its --max-timeout).
SPLASH_MAX_TIMEOUT = 90.0


def lua_script(lua_source: str | None) -> str:
    """Our script, with the seed's ``lua_source`` as the statements run once the page has
    loaded (``splash`` and ``args`` in scope)."""
    actions = f"local function seed_actions(splash, args)\n{lua_source or ''}\nend\n"
    return actions + LUA_SCRIPT


class SplashRenderer(Renderer):
    """SplashRequests: ``/execute`` with our Lua script on the WebKit engine, ``render.html`` on
    the Chromium engine (which has no Lua, so waits ``wait`` seconds and for nothing else, and
    is sent no headers: it refuses them)."""

    name: ClassVar[str] = "splash"

    def __init__(self, source: Source, settings: BaseSettings):
        super().__init__(source, settings)
        self.script = lua_script(source.lua_source)
        self.download_timeout = settings.getfloat("DOWNLOAD_TIMEOUT")

    def request(self, url: str, callback: Callable, kind: str, **kwargs: Any) -> Request:
        wait = self.source.wait
        # Splash's own limit on a render: loading, waiting for the page, and the wait after.
        timeout = min(self.download_timeout + self.timeout + wait, SPLASH_MAX_TIMEOUT)
        if self.source.splash_engine == "chromium":
            args = {"engine": "chromium", "wait": wait, "timeout": timeout}
            return SplashRequest(url, callback, args=args, dont_send_headers=True, **kwargs)
        args = {
            "lua_source": self.script,
            "wait": wait,
            "wait_for": self.conditions[kind] or "",
            "wait_for_timeout": self.timeout,
            "timeout": timeout,
        }
        return SplashRequest(
            url, callback, endpoint="execute", args=args, cache_args=["lua_source"], **kwargs
        )

    def failure_reason(self, failure: Failure) -> str | None:
        return splash_failure_reason(failure)

    def failure_detail(self, failure: Failure) -> str:
        return splash_failure_detail(failure)

    @classmethod
    def missing(cls, settings: BaseSettings) -> str | None:
        if not settings.get("SPLASH_URL"):
            return (
                "set SPLASH_URL to a running Splash (-s SPLASH_URL=http://127.0.0.1:8050; "
                "`scrapy splash start` runs one)"
            )
        return None


def splash_failure_reason(failure: Failure) -> str | None:
    """Why a request sent through Splash failed, as a stats key, or None when it did not go
    through Splash: ``splash_down`` (Splash did not answer), ``wait_for_timeout``, the network
    error Splash met on the site (``connection_refused``, ``dns``, ...), or ``splash_<type>``
    for Splash's other errors (``splash_script_error`` for a bad lua_source)."""
    request = failure.request
    if not request.meta.get("_splash_processed"):
        return None
    # Nothing listening, or the connection lost mid-answer (Splash killed, or crashed).
    if failure.check(
        DownloadConnectionRefusedError,
        DownloadFailedError,
        ResponseDataLossError,
        net.ConnectionRefusedError,
        net.ConnectionLost,
        net.ConnectionDone,
        ResponseFailed,
        ResponseNeverReceived,
    ):
        return "splash_down"
    if not failure.check(HttpError):
        return None
    response = failure.value.response
    if not isinstance(response, SplashJsonResponse):
        return None
    try:
        # Splash's JSON answer as sent (scrapy-splash has put the page's HTML in the body).
        data = response.data
    except ValueError:
        return None
    if not isinstance(data, dict) or "type" not in data:
        return None  # the site's own error status, passed through
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    error = str(info.get("error", ""))
    if error == "wait_for_timeout":
        return "wait_for_timeout"
    code = re.fullmatch(r"network(\d+)", error)
    if code or info.get("type") == "Network":
        number = int(code.group(1)) if code else int(info.get("code", 0))
        return NETWORK_ERRORS.get(number, f"network_{number}")
    if data["type"] == "GlobalTimeoutError":
        return "timeout"
    return "splash_" + re.sub(r"(?<!^)(?=[A-Z])", "_", str(data["type"])).lower()


def splash_failure_detail(failure: Failure) -> str:
    """Splash's own words on a failed render (its error's message), the first line of a failed
    request to Splash, or "" (the site's own HTTP status)."""
    if not failure.request.meta.get("_splash_processed"):
        return ""
    if not failure.check(HttpError):
        return first_line(failure)
    response = failure.value.response
    if not isinstance(response, SplashJsonResponse):
        return ""
    try:
        info = response.data.get("info")
    except (AttributeError, ValueError):
        return ""
    if isinstance(info, dict):
        return str(info.get("message") or info.get("text") or info.get("error") or "")[:300]
    return str(info or "")[:300]


def first_line(failure: Failure) -> str:
    """The first line of a failure's error, at most 300 characters."""
    return str(failure.value).strip().split("\n", 1)[0][:300]


class SplashPageMiddleware:
    """A downloader middleware after scrapy-splash's: a rendered page reaches the spider as the
    HtmlResponse a plain download of it would be (its URL, status and rendered HTML), not as
    scrapy-splash's SplashJsonResponse, which is no TextResponse. Splash's error answers are
    left as they are, for the errbacks to read."""

    def process_response(self, request: Request, response: Response) -> Response:
        if isinstance(response, SplashJsonResponse):
            if "html" not in response.data:
                return response
        elif not isinstance(response, SplashTextResponse):
            return response
        return HtmlResponse(
            url=response.url,
            status=response.status,
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=response.text.encode("utf-8"),
            encoding="utf-8",
            request=request,
            flags=[*response.flags, "splash"],
        )
