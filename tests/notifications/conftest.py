"""Notifications against real services: a loopback stand-in of Telegram's Bot API, the panel's
own e-mail (Django's locmem outbox), and orders polled from the provider simulator."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

BOT_TOKEN = "123456:TEST-bot-token"


@dataclass(frozen=True)
class Sent:
    token: str
    method: str
    params: dict[str, str]


class BotApi:
    """Telegram's Bot API as pyTelegramBotAPI calls it: /bot<token>/sendMessage, its parameters in
    the query or the body. A wrong token is answered 401 as Telegram does; `fail_chat` is answered
    400 "chat not found"; `down` answers 502 to everything."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.requests: list[Sent] = []
        self.fail_chat: str | None = None
        self.down = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                params = {key: values[0] for key, values in parse_qs(url.query).items()}
                if body:
                    is_json = self.headers.get("Content-Type", "").startswith("application/json")
                    more = json.loads(body) if is_json else {k: v[0] for k, v in parse_qs(body).items()}
                    params.update({key: str(value) for key, value in more.items()})
                token, _, method = url.path.removeprefix("/bot").partition("/")
                api.requests.append(Sent(token, method, params))
                self._answer(*api.answer(token, method, params))

            do_GET = do_POST

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def answer(self, token: str, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if self.down:
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method != "sendMessage" or "text" not in params or "chat_id" not in params:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        if params["chat_id"] == self.fail_chat:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        message = {
            "message_id": len(self.requests),
            "date": 1_700_000_000,
            "chat": {"id": int(params["chat_id"]), "type": "group", "title": "Staff"},
            "text": params["text"],
        }
        return 200, {"ok": True, "result": message}

    @property
    def messages(self) -> list[Sent]:
        return [sent for sent in self.requests if sent.method == "sendMessage"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def bot_api(settings) -> Iterator[BotApi]:
    """The Bot API stand-in, and the panel configured to post to its chats -1001 and -1002."""
    api = BotApi()
    settings.TELEGRAM_API_URL = api.url
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_CHAT_IDS = ["-1001", "-1002"]
    settings.ADMINS = [("Ops", "ops@example.com")]
    yield api
    api.close()
