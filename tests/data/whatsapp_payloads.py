"""Deliveries shaped as the WhatsApp Cloud API webhooks reference documents them."""

from __future__ import annotations

from typing import Any

PHONE_ID = "106540352242922"


def _envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": PHONE_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def _message(number: str, message_id: str, kind: str, content: dict[str, Any]) -> dict:
    return _envelope(
        {
            "contacts": [{"profile": {"name": "Amira"}, "wa_id": number}],
            "messages": [
                {
                    "from": number,
                    "id": message_id,
                    "timestamp": "1795800000",
                    "type": kind,
                    **content,
                }
            ],
        }
    )


def text(number: str, message_id: str, body: str) -> dict:
    return _message(number, message_id, "text", {"text": {"body": body}})


def button_reply(number: str, message_id: str, reply_id: str, title: str) -> dict:
    content = {
        "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    }
    return _message(number, message_id, "interactive", content)


def list_reply(number: str, message_id: str, reply_id: str, title: str) -> dict:
    content = {
        "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}}
    }
    return _message(number, message_id, "interactive", content)


def quick_reply(number: str, message_id: str, payload: str, text: str) -> dict:
    """A tap on a template's quick-reply button (type "button")."""
    return _message(number, message_id, "button", {"button": {"payload": payload, "text": text}})


def image(number: str, message_id: str) -> dict:
    content = {"image": {"mime_type": "image/jpeg", "sha256": "abc", "id": "1479537139650973"}}
    return _message(number, message_id, "image", content)


def status(message_id: str, number: str) -> dict:
    return _envelope(
        {
            "statuses": [
                {
                    "id": message_id,
                    "status": "delivered",
                    "timestamp": "1795800001",
                    "recipient_id": number,
                }
            ]
        }
    )
