"""Length-prefixed JSON messages over pipes, with an optional deadline on reads."""

from __future__ import annotations

import json
import os
import select
import struct
import time

_HEADER = struct.Struct(">I")


def read_exact(fd: int, size: int, deadline: float | None = None) -> bytes:
    data = b""
    while len(data) < size:
        if deadline is not None and not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError("no message in time")
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError("pipe closed")
        data += chunk
    return data


def recv(fd: int, deadline: float | None = None) -> dict:
    (size,) = _HEADER.unpack(read_exact(fd, _HEADER.size, deadline))
    return json.loads(read_exact(fd, size, deadline))


def send(fd: int, message: dict) -> None:
    body = json.dumps(message).encode()
    data = memoryview(_HEADER.pack(len(body)) + body)
    while data:
        data = data[os.write(fd, data) :]
