"""The Starlette application of `foi serve`: one route per page, each opening the
database for that request only (foi.db.connect) and writing through the functions the
CLI calls, in their transactions, so the CLI and the page can be used at once.

The package adds only this HTTP shell, its guard (foi.web.guard), what each page shows
(foi.web.pages, gathered from foi.extract.review, foi.triage.inbox and foi.tracking) and
the templates; no rule is decided here."""

import contextlib
import datetime as dt
import secrets
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import uvicorn
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlite_utils import Database
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from foi import clock
from foi.blobs import blob_dir, blob_path
from foi.config import person_deciding
from foi.db import connect
from foi.errors import FoiError
from foi.extract.review import save_manual_answer
from foi.output import plural
from foi.safetext import one_line
from foi.triage.inbox import assign_message
from foi.web import pages
from foi.web.guard import Guard, csrf_token, same
from foi.web.sources import SOURCE_STYLE

MAX_FORM_BYTES = 64 * 1024
HOST = "127.0.0.1"


class Site:
    """The pages over one campaign database; `token` is the secret printed at start."""

    def __init__(self, db_path: Path, token: str, port: int):
        self.db_path = Path(db_path)
        self.visit_cookie = f"foi_visit_{port}"
        self.csrf = csrf_token(token)
        self.person = person_deciding()  # who started `foi serve`: each decision on the page is recorded as theirs
        # Autoescape: every council-supplied string (names, subjects, file names, cell
        # text, mail bodies) reaches the page as text, never as markup.
        self.templates = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                                     autoescape=True)
        self.templates.globals["source_style"] = Markup(SOURCE_STYLE)  # foi's own CSS, not council text
        self.templates.globals["person"] = self.person
        self.templates.globals["plural"] = plural  # "1 value", "3 values", as the CLI says counts

    @contextlib.contextmanager
    def database(self) -> Iterator[Database]:
        db = connect(self.db_path)
        try:
            yield db
        finally:
            db.close()

    def render(self, name: str, status_code: int = 200, **context) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        html = self.templates.get_template(name).render(csrf=self.csrf, nonce=nonce, **context)
        return HTMLResponse(html, status_code=status_code, headers=page_headers(nonce))

    def problem(self, error: FoiError, status_code: int, back: str) -> HTMLResponse:
        message = str(error).split("\n")[0]
        return self.render("problem.html", status_code, message=message, hint=error.hint, back=back)

    # ---- pages

    def today(self, request: Request) -> Response:
        """Today; the visit's time is kept in a cookie, to say next time what arrived since."""
        since = last_visit(request.cookies.get(self.visit_cookie))
        with self.database() as db:
            response = self.render("today.html", page=pages.today_page(db, clock.today(), since))
        response.set_cookie(self.visit_cookie, clock.iso(clock.now()), max_age=400 * 24 * 3600, httponly=True,
                            samesite="strict")
        return response

    def review(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            with self.database() as db:
                page = pages.review_page(db, slug, request.query_params.get("body"), blob_dir(self.db_path))
        except FoiError as error:
            return self.problem(error, 404, "/")
        return self.render("review.html", page=page)

    def inbox(self, request: Request) -> Response:
        with self.database() as db:
            messages = pages.inbox_page(db)
        return self.render("inbox.html", messages=messages, filed=request.query_params.get("filed"))

    def request_(self, request: Request) -> Response:
        try:
            with self.database() as db:
                page = pages.request_page(db, request.path_params["reference"], clock.today())
        except FoiError as error:
            return self.problem(error, 404, "/")
        return self.render("request.html", page=page)

    def attachment(self, request: Request) -> Response:
        try:
            with self.database() as db:
                row = pages.attachment(db, request.path_params["id"])
        except FoiError as error:
            return self.problem(error, 404, "/")
        path = blob_path(blob_dir(self.db_path), row["sha256"])
        if not path.is_file():
            return self.problem(FoiError("The file is not in the blobs folder beside the database"), 404, "/")
        # Always a download, never shown in the page: a council's file is not trusted markup.
        name = Path(one_line(row["filename"]).replace("\\", "/")).name or f"attachment-{row['id']}"
        return FileResponse(path, filename=name, media_type="application/octet-stream",
                            content_disposition_type="attachment", headers={"X-Content-Type-Options": "nosniff"})

    # ---- forms

    async def answer(self, request: Request) -> Response:
        """A value confirmed or entered on the review page, stored as `foi answer` stores it."""
        form = await self.form(request)
        if isinstance(form, Response):
            return form
        slug, body = request.path_params["slug"], form.get("body", "")
        back = f"/review/{quote(slug)}?{urlencode({'body': body})}"

        def save() -> None:
            with self.database() as db:
                save_manual_answer(db, slug, body, form.get("question", ""), form.get("period", ""),
                                   form.get("value", ""), form.get("note") or None, clock.iso(clock.now()),
                                   decided_by=self.person)
        try:
            await run_in_threadpool(save)
        except FoiError as error:
            return self.problem(error, 400, back)
        return RedirectResponse(back, status_code=303)

    async def assign(self, request: Request) -> Response:
        """An unmatched message filed under a request, as `foi assign` files it."""
        form = await self.form(request)
        if isinstance(form, Response):
            return form

        def file() -> dict:
            now = clock.now()
            with self.database() as db:
                return assign_message(db, form.get("message", ""), form.get("request", ""),
                                      now.date().isoformat(), clock.iso(now))
        try:
            row = await run_in_threadpool(file)
        except FoiError as error:
            return self.problem(error, 400, "/inbox")
        return RedirectResponse(f"/inbox?{urlencode({'filed': row['id']})}", status_code=303)

    async def form(self, request: Request) -> dict[str, str] | Response:
        """The form's fields, once its CSRF token is checked."""
        body = b""
        async for chunk in request.stream():  # read no more than a form of this page can hold
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return PlainTextResponse("The form is too large.", status_code=413)
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if not same(fields.get("csrf"), self.csrf):
            return PlainTextResponse("The form was refused: it did not come from this page. Reload the page "
                                     "and try again.", status_code=403)
        return fields


def last_visit(cookie: str | None) -> str | None:
    """The time of the last visit kept in the cookie, if it is one (the browser may send anything)."""
    try:
        moment = dt.datetime.fromisoformat(cookie or "")
    except ValueError:
        return None
    return clock.iso(moment) if moment.tzinfo is not None else None


def page_headers(nonce: str) -> dict[str, str]:
    """No script or style but the page's own (by nonce), nothing loaded from elsewhere,
    forms sent only here, the page never framed, its address never passed to another site
    (same-origin, not no-referrer: with no referrer the browser sends `Origin: null` on our own forms)."""
    policy = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def make_app(db_path: Path, token: str, port: int) -> Guard:
    """The application, behind its guard (foi.web.guard)."""
    site = Site(db_path, token, port)
    routes = [
        Route("/", site.today),
        Route("/review/{slug}", site.review),
        Route("/review/{slug}/answer", site.answer, methods=["POST"]),
        Route("/inbox", site.inbox),
        Route("/inbox/assign", site.assign, methods=["POST"]),
        Route("/request/{reference}", site.request_),
        Route("/attachment/{id:int}", site.attachment),
    ]
    return Guard(Starlette(routes=routes), token, port)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free one); a port in use is the user's to change."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
    except OSError as error:
        sock.close()
        raise FoiError(f"Port {port} on {HOST} cannot be used ({error.strerror})",
                       "Give another with --port, e.g. `foi serve --port 8800`.") from error
    sock.listen(64)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, calling `ready` once it answers: by then it handles Ctrl+C itself."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]):
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.ready()


def serve_forever(app: Guard, sock: socket.socket, ready: Callable[[], None]) -> None:
    """Answer on `sock` until interrupted (Ctrl+C), then return; `ready` is called once
    the server answers (to print the address): a Ctrl+C from then on stops it cleanly."""
    try:
        _Server(uvicorn.Config(app, log_level="warning", access_log=False), ready).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the signal again once it has shut down: stopping is the normal end
        return
