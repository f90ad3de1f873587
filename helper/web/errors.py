"""Friendly error pages. Never a traceback or an internal detail (ASVS 14.3): a person sees what
happened in plain words and what to do next; the log gets the exception type only."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from helper.errors import BadInput, WaymarkError

MESSAGES = {
    400: ("Something in that form was not right", "Go back, check it and try again."),
    404: ("Page not found", "The page you asked for is not here."),
    405: ("That did not work", "This page cannot be used that way."),
    413: ("That was too big", "Please send less text at once."),
    500: ("Something went wrong", "Nothing you saved was lost. Please try again."),
}


def error_page(status: int, detail: str | None = None):
    if status == 403:
        # Refusals go to strangers: a page on another port, a rebinding site. The bare page
        # names nothing, so they cannot even learn that a safeguarding tool runs here.
        return render_template("refused.html"), 403
    title, advice = MESSAGES.get(status, MESSAGES[500])
    html = render_template("error.html", title=title, advice=detail or advice, status=status)
    return html, status


def install(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return error_page(err.code or 500)

    @app.errorhandler(BadInput)
    def bad_input(err: BadInput):
        # BadInput messages are written to be shown (helper/errors.py).
        return error_page(400, str(err))

    @app.errorhandler(WaymarkError)
    def refused(err: WaymarkError):
        return error_page(400, str(err))

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        app.logger.error("unexpected %s", type(err).__name__)
        return error_page(500)
