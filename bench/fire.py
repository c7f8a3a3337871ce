"""Posts prepared deliveries all at once from its own process and prints each one's time to
acknowledgement, in ms. A lean HTTP/1.1 client on asyncio streams: the requests are built
before the clock starts and each has a connection opened beforehand (the platforms keep
theirs open), so what is timed is the webhook, not a client library.

    python -m bench.fire REQUESTS.json   # [{"url", "body", "headers"}, ...] -> [ms, ...]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def raw_request(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    parts = urlsplit(url)
    lines = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
    return "\r\n".join(lines).encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def one(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], data: bytes):
    reader, writer = connection
    started = time.perf_counter()
    writer.write(data)
    status = await read_response(reader)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"the webhook answered {status}")
    return elapsed


async def fire(requests: list[dict]) -> list[float]:
    prepared = [raw_request(r["url"], r["body"].encode(), r["headers"]) for r in requests]
    parts = urlsplit(requests[0]["url"])
    connections = await asyncio.gather(
        *(asyncio.open_connection(parts.hostname, parts.port) for _ in prepared)
    )
    try:
        return list(
            await asyncio.gather(*(one(c, d) for c, d in zip(connections, prepared, strict=True)))
        )
    finally:
        for _, writer in connections:
            writer.close()


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        print(json.dumps(asyncio.run(fire(json.load(file)))))
