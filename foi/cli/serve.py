"""`foi serve`: the review desk, a local web page over the campaign database."""

import click


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.pass_obj
def serve(state, port: int, open_browser: bool) -> None:
    """Open the review desk in your browser, on this computer only.

    Pages: Today (counts, overdue councils, what is to review), the review
    queue (confirm what foi was unsure of, as `foi answer` does), the holding
    pen (file unmatched mail, as `foi assign` does) and each request's page.
    The address printed holds a secret token: only a browser given it gets in.
    Stop with Ctrl+C.

    \b
    Example:
        foi serve
        foi serve --port 8800 --open
    """
    import webbrowser

    from foi.web.app import bind, make_app, serve_forever
    from foi.web.guard import new_token

    state.db  # noqa: B018 (opened now: a missing database is said here, not on the first page)
    sock = bind(port)
    port = sock.getsockname()[1]
    token = new_token()
    url = f"http://127.0.0.1:{port}/?token={token}"

    def ready() -> None:
        click.echo(f"The review desk is open at:\n    {url}\nOnly this computer can reach it. Stop with Ctrl+C.")
        if open_browser:
            webbrowser.open(url)

    serve_forever(make_app(state.db_path, token, port), sock, ready)
    click.echo("Stopped.", err=True)
