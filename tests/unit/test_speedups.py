"""The Rasa speed-ups compute exactly what Rasa's own code computes."""

from __future__ import annotations

import dask
import pytest
import rasa.shared.utils.common
from rasa.shared.core import events

from bot.rasa_ext import _speedups


def test_event_types_resolve_to_the_same_classes() -> None:
    for subclass in rasa.shared.utils.common.all_subclasses(events.Event):
        resolved = events.Event.resolve_by_type(subclass.type_name)
        assert resolved is _speedups._original_resolve_by_type(subclass.type_name)
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("no-such-event")
    assert events.Event.resolve_by_type("no-such-event", default=events.SlotSet) is events.SlotSet


def test_graph_execution_matches_dask() -> None:
    calls: list[str] = []

    def node(name: str):
        def run(*inputs):
            calls.append(name)
            return (name, [i[1] if isinstance(i, tuple) else i for i in inputs])

        return run

    graph = {
        "message": ("message", "hello"),
        "a": (node("a"), "message"),
        "b": (node("b"), "a", "message"),
        "c": (node("c"), "a", "b"),
        "unused": (node("unused"), "a"),
    }
    ours = _speedups._execute(graph, ["c", "b"])
    assert calls.count("a") == 1 and "unused" not in calls
    assert list(ours) == list(dask.get(graph, ["c", "b"]))


def test_action_responses_are_validated_as_before() -> None:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_question", None)
    good = {"events": [{"event": "slot", "name": "country", "value": "FI"}], "responses": []}
    assert _speedups._validate_action_result(action, good) is True
    assert _speedups._original_validate_action_result(action, good) is True
    bad = {"events": "not a list", "responses": []}
    with pytest.raises(ValidationError) as ours:
        _speedups._validate_action_result(action, bad)
    with pytest.raises(ValidationError) as rasas:
        _speedups._original_validate_action_result(action, bad)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
