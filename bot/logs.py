"""Keeping her words out of the logs, whatever a library decides to log on an error."""

from __future__ import annotations

import logging
import re

# Rasa logs the action server's error reply, which rasa-sdk fills with the whole request
# (the tracker: every message she sent). Keep the status, drop the body.
_BODY = re.compile(r"body='.*", re.DOTALL)
_REQUEST_BODY = re.compile(r'"request_body"\s*:.*', re.DOTALL)


class DropConversationText(logging.Filter):
    """Removes request and response bodies from log records and their exceptions."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            chain = _chain(record.exc_info[1])
            if any("request_body" in str(e) or "body='" in str(e) for e in chain):
                causes = "; ".join(
                    f"{type(e).__name__}: {_BODY.sub('body=<removed>', str(e))[:200]}"
                    for e in chain
                )
                record.msg = f"{record.getMessage()} ({causes})"
                record.args = ()
                record.exc_info = None
                record.exc_text = None
        message = record.getMessage()
        if "request_body" in message or "body='" in message:
            record.msg = _REQUEST_BODY.sub(
                '"request_body": <removed>', _BODY.sub("body=<removed>", message)
            )
            record.args = ()
        return True


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def install() -> None:
    """Attach the filter to every handler of the root logger (once)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, DropConversationText) for f in handler.filters):
            handler.addFilter(DropConversationText())
