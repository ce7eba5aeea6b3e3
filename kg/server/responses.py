"""HTTP responses made from answers and errors."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from kg.server.engine import Answer
from kg.server.settings import Settings


def respond(answer: Answer, settings: Settings, *, status: int = 200) -> Response:
    """The HTTP response for ``answer``, saying when ``--max-rows`` cut it."""
    headers = {"X-IOKG-Rows": str(answer.count), "Vary": "Accept"}
    if answer.truncated:
        headers["X-IOKG-Truncated"] = "true"
        headers["X-IOKG-Max-Rows"] = str(settings.max_rows)
    media = answer.media_type
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return Response(answer.body, status_code=status, media_type=media, headers=headers)


def problem(status: int, message: str, **headers: str) -> Response:
    """A plain-text error answer, one line, never a traceback."""
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers or None)
