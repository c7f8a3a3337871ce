"""Updates shaped as the Telegram Bot API documents them (https://core.telegram.org/bots/api#update)."""

from __future__ import annotations

from typing import Any

USER = {"id": 7001, "is_bot": False, "first_name": "Amira", "language_code": "en"}
CHAT = {"id": 7001, "first_name": "Amira", "type": "private"}


def message(update_id: int, text: str, chat_id: int = 7001, language: str = "en") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {**USER, "id": chat_id, "language_code": language},
            "chat": {**CHAT, "id": chat_id},
            "date": 1795800000,
            "text": text,
        },
    }


def edited(update_id: int, text: str, chat_id: int = 7001) -> dict:
    body = message(update_id, text, chat_id)["message"]
    return {"update_id": update_id, "edited_message": {**body, "edit_date": 1795800100}}


def photo(update_id: int, chat_id: int = 7001, language: str = "en") -> dict:
    body: dict[str, Any] = message(update_id, "", chat_id, language)["message"]
    del body["text"]
    body["photo"] = [
        {"file_id": "AgAD1", "file_unique_id": "u1", "width": 90, "height": 90, "file_size": 1200}
    ]
    return {"update_id": update_id, "message": body}


def voice(update_id: int, chat_id: int = 7001, language: str = "en") -> dict:
    body: dict[str, Any] = message(update_id, "", chat_id, language)["message"]
    del body["text"]
    body["voice"] = {"file_id": "AwAD1", "file_unique_id": "v1", "duration": 3}
    return {"update_id": update_id, "message": body}


def callback(update_id: int, data: str, chat_id: int = 7001) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {**USER, "id": chat_id},
            "chat_instance": "ci1",
            "data": data,
            "message": {
                "message_id": 1,
                "from": {"id": 1, "is_bot": True, "first_name": "i-Mentor"},
                "chat": {**CHAT, "id": chat_id},
                "date": 1795800000,
                "text": "earlier reply",
            },
        },
    }
