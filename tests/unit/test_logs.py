"""The log filter: an action-server error logged by Rasa keeps its status, not her messages."""

from __future__ import annotations

import io
import logging

from bot.logs import DropConversationText


def _logged(build_error) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(DropConversationText())
    logger = logging.getLogger("test.logs.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            build_error()
        except Exception:
            logger.exception("Encountered an exception while running action 'intake_form'.")
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_chained_error_with_the_request_body_is_logged_without_it() -> None:
    def fail() -> None:
        try:
            raise ValueError(
                '500, Internal Server Error, body=\'{"request_body": {"text": "Secret Name"}}\''
            )
        except ValueError as error:
            raise RuntimeError("Failed to execute custom action") from error

    logged = _logged(fail)
    assert "Secret Name" not in logged
    assert "Failed to execute custom action" in logged and "500" in logged


def test_other_errors_keep_their_traceback() -> None:
    def fail() -> None:
        raise KeyError("language_name_xx")

    logged = _logged(fail)
    assert "Traceback" in logged and "language_name_xx" in logged
