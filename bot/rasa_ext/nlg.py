"""Natural language generation: the domain's responses rendered from locales/<language>.yml."""

from __future__ import annotations

import copy
from typing import Any, Dict

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.i18n import catalog, localise_response
from bot.language import LANGUAGE_SLOT, current_language


class LocaleNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG (variations, channel- and slot-conditions) plus translation.

    Runs in the Rasa process (no HTTP round trip, unlike an NLG server); strings are read
    from locales/ once, so a new translation needs a restart, never retraining.
    """

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.catalog = catalog()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Dict[str, Any] | None:
        slots = tracker.current_slot_values()
        metadata = tracker.latest_message.metadata if tracker.latest_message else None
        response = self._random_response_for(utter_action, output_channel, slots)
        if response is None:
            return None
        language = current_language(slots.get(LANGUAGE_SLOT), metadata)
        values = {**slots, **kwargs}
        rendered = localise_response(copy.deepcopy(response), self.catalog, language, values)
        # the language travels with the message (Rasa passes it to the output channel), so a
        # channel's own words (WhatsApp's list button) match the text in this very turn
        rendered.setdefault("language", language)
        return rendered
