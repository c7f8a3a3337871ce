"""Pure speed-ups of Rasa 3.6 internals that change no behaviour (applied on import)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

import rasa.shared.utils.common
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core import events

_original_resolve_by_type = events.Event.resolve_by_type
_by_type_name: Dict[Text, Type[events.Event]] = {}


def _resolve_by_type(
    type_name: Text, default: Optional[Type[events.Event]] = None
) -> Optional[Type[events.Event]]:
    """Event.resolve_by_type walks every Event subclass for every stored event it reads (a
    tracker of 300 events cost ~50 ms). The set of subclasses is fixed once Rasa is imported,
    so look it up in a table built on the first miss."""
    found = _by_type_name.get(type_name)
    if found is None:
        _by_type_name.clear()
        for subclass in rasa.shared.utils.common.all_subclasses(events.Event):
            _by_type_name.setdefault(subclass.type_name, subclass)
        found = _by_type_name.get(type_name)
    if found is not None:
        return found
    return _original_resolve_by_type(type_name, default)


def _execute(graph: Dict[str, Any], targets: List[str]) -> List[Any]:
    """What `dask.get` does for Rasa's graphs, without the scheduler: each task is
    `(callable, *names of the nodes it needs)` or an input value, run once, in dependency
    order, on the calling thread."""
    results: Dict[str, Any] = {}

    def value_of(key: str) -> Any:
        if key in results:
            return results[key]
        task = graph[key]
        if isinstance(task, tuple) and task and callable(task[0]):
            arguments = [value_of(a) if isinstance(a, str) and a in graph else a for a in task[1:]]
            results[key] = task[0](*arguments)
        else:
            results[key] = task
        return results[key]

    return [value_of(target) for target in targets]


def _run(
    self: DaskGraphRunner,
    inputs: Optional[Dict[str, Any]] = None,
    targets: Optional[List[str]] = None,
) -> Dict[str, Any]:
    """DaskGraphRunner.run, with the minimal graph per target list computed once and the
    dask scheduler (about 1 ms a run, several runs a turn) replaced by `_execute`."""
    run_targets = list(targets) if targets else list(self._graph_schema.target_names)
    cache = self.__dict__.setdefault("_imentor_minimal_graphs", {})
    key = tuple(run_targets)
    if key not in cache:
        cache[key] = self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(cache[key])
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(_execute(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


_original_validate_action_result = RemoteAction._validate_action_result
_response_validator: Any = None


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result calls `jsonschema.validate`, which first checks
    the (constant) response schema against JSON Schema's meta-schema: ~25 ms of every turn
    that runs a custom action. Check the schema once and keep the validator; the response is
    validated exactly as before, and an invalid one raises the same error, same message."""
    global _response_validator
    if _response_validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _response_validator = cls(schema)
    if best_match(_response_validator.iter_errors(result)) is None:
        return True
    return _original_validate_action_result(self, result)  # raises, with Rasa's message


def apply() -> None:
    events.Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]
    DaskGraphRunner.run = _run  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
