"""Starts the real action server and Rasa server on free loopback ports, as `make run` does."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "imentor.tar.gz"
TEST_SECRET_KEY = "test-key-0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    """A running assistant: its REST URL and its two processes."""

    url: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    started_at: float = 0.0
    ready_after: float = 0.0
    logs: dict[str, Path] = field(default_factory=dict)
    knowledge_dir: Path = ROOT / "knowledge_base"
    database_url: str = ""
    tracker_db: Path | None = None
    secret_key: str = ""

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def say(self, sender: str, message: str, **extra: Any) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, **extra}
        response = httpx.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()


def start_stack(
    workdir: Path, env_extra: dict[str, str] | None = None, timeout: float = 120
) -> Stack:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    rasa_port, actions_port = free_port(), free_port()
    knowledge_dir = workdir / "knowledge_base"  # a copy, so tests may edit articles
    shutil.copytree(ROOT / "knowledge_base", knowledge_dir, dirs_exist_ok=True)
    database_url = f"sqlite:///{workdir / 'imentor.db'}"
    env = {
        **os.environ,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "IMENTOR_TRACKER_DB": str(workdir / "tracker.db"),
        "DATABASE_URL": database_url,
        "IMENTOR_KNOWLEDGE_DIR": str(knowledge_dir),
        "SANIC_HOST": "127.0.0.1",
        "SANIC_BACKLOG": os.environ.get("SANIC_BACKLOG", "1024"),
        "SANIC_ACCESS_LOG": "False",  # as scripts/run.sh
        "LOG_LEVEL": "INFO",  # the log canary test checks what INFO and above let through
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "IMENTOR_SECRET_KEY": TEST_SECRET_KEY,
        **(env_extra or {}),
    }
    stack = Stack(
        url=f"http://127.0.0.1:{rasa_port}",
        started_at=time.monotonic(),
        knowledge_dir=knowledge_dir,
        database_url=database_url,
        tracker_db=workdir / "tracker.db",
        secret_key=TEST_SECRET_KEY,
    )
    commands = {
        "actions": [
            str(VENV_BIN / "rasa"),
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(actions_port),
        ],
        "rasa": [
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(MODEL),
            "--endpoints",
            str(ROOT / "endpoints.yml"),
            "--credentials",
            str(ROOT / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
        ],
    }
    for name, command in commands.items():
        log = workdir / f"{name}.log"
        stack.logs[name] = log
        stack.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                stack.stop()
                raise RuntimeError(f"{name} exited early:\n{stack.logs[name].read_text()[-3000:]}")
        try:
            ready = httpx.get(f"{stack.url}/webhooks/rest/", timeout=1).status_code == 200
            actions_up = (
                httpx.get(f"http://127.0.0.1:{actions_port}/health", timeout=1).status_code == 200
            )
            if ready and actions_up:
                stack.ready_after = time.monotonic() - stack.started_at
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    stack.stop()
    raise RuntimeError("the assistant did not start in time")
