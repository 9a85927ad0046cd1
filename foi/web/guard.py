"""Who may use the page: a browser on this machine that was given the token printed at
start (as Jupyter does), asking for the host it was started on, and sending back the
CSRF token of the form it was shown.

The token comes once in the address (?token=...) and is then kept in a cookie; every
other request without the cookie is refused (403). The Host header must name
127.0.0.1 or localhost at the server's port, so a page elsewhere cannot reach the
server through a name that resolves to 127.0.0.1 (DNS rebinding).
"""

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "foi_token"
NOT_ALLOWED = ("This page opens only from the address `foi serve` printed when it started "
               "(with its token). Copy that address into the browser again.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(token: str) -> str:
    """The token every form carries back: derived from the secret, so it needs no storage."""
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def allowed_hosts(port: int) -> set[str]:
    return {f"127.0.0.1:{port}", f"localhost:{port}"}


class Guard:
    """ASGI middleware: the Host check, the token (query string once, then a cookie),
    and for a POST an Origin (when the browser sends one) of this same server."""

    def __init__(self, app: ASGIApp, token: str, port: int):
        self.app, self.token, self.port = app, token, port
        self.cookie = f"{COOKIE}_{port}"  # two servers on two ports keep their own cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self.check(request)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def check(self, request: Request) -> Response | None:
        hosts = allowed_hosts(self.port)
        if request.headers.get("host", "").lower() not in hosts:
            return PlainTextResponse(f"This server answers only at http://127.0.0.1:{self.port}/ "
                                     f"or http://localhost:{self.port}/.", status_code=403)
        origin = request.headers.get("origin")
        if request.method == "POST" and origin is not None \
                and origin.lower() not in {f"http://{host}" for host in hosts}:
            return PlainTextResponse("A form from another site was refused.", status_code=403)
        if "token" in request.query_params:
            if not same(request.query_params["token"], self.token):
                return PlainTextResponse(NOT_ALLOWED, status_code=403)
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
            return redirect
        if not same(request.cookies.get(self.cookie), self.token):
            return PlainTextResponse(NOT_ALLOWED, status_code=403)
        return None
