"""Raw HTTP/1.1 on asyncio streams for the soak test (standard library only).

Requests are bytes sent exactly as given, so malformed ones can be sent; answers are read
and classified. One exchange sends a request while reading its answer at the same time, so
a server that answers (say 414) before reading the whole request is seen, and one that
closes or resets the connection without answering is told apart from one that answers.
"""
import asyncio
import time

# Outcomes of one request besides an answer (a status):
CLOSED = "closed_without_answer"  # the whole request was sent; the connection ended, no answer
CLOSED_WHILE_SENDING = "closed_while_sending"  # ended before the request was sent, no answer
TRUNCATED = "truncated_answer"  # part of an answer, then the connection ended
TIMEOUT = "no_answer_in_time"  # the connection stayed open without a whole answer
UNFINISHED = "unfinished_at_end"  # still waiting when the run ended (not held against it)
CONNECT_FAILED = "connect_failed"
GARBLED = "garbled_answer"  # bytes that are not an HTTP/1.x answer
# Outcomes of a connection meant to be idle or slow (idle, slowloris, slow body):
CLOSED_BY_SERVER = "closed"
OPEN_AT_END = "open_at_end"

# Outcomes that lose an answer to a complete request.
LOST = (CLOSED, TRUNCATED, TIMEOUT, GARBLED)

READ_LIMIT = 1 << 20  # longest status line plus headers accepted
KEEP_BODY = 300  # bytes of a body kept as an example


class answer:
    __slots__ = ("status", "version", "headers", "body_head", "body_bytes")

    def __init__(self, status, version, headers):
        self.status = status
        self.version = version
        self.headers = headers  # lower-case name -> value (the last one)
        self.body_head = b""
        self.body_bytes = 0

    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def keeps_connection(self):
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


class ended_early(Exception):
    """The connection ended before a whole answer; `partial` says whether bytes came."""

    def __init__(self, partial):
        super().__init__("connection ended")
        self.partial = partial


class garbled(Exception):
    pass


async def open_connection(host, port, timeout):
    return await asyncio.wait_for(
        asyncio.open_connection(host, port, limit=READ_LIMIT), timeout)


async def _read_body(reader, reply, length):
    while length is None or length > 0:
        chunk = await reader.read(1 << 16 if length is None else min(length, 1 << 16))
        if not chunk:
            if length is None:
                return
            raise ended_early(True)
        if len(reply.body_head) < KEEP_BODY:
            reply.body_head += chunk[:KEEP_BODY - len(reply.body_head)]
        reply.body_bytes += len(chunk)
        if length is not None:
            length -= len(chunk)


async def read_answer(reader, head_request=False):
    """One whole answer (status line, headers, body) or ended_early / garbled."""
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as e:
            raise ended_early(bool(e.partial)) from None
        except asyncio.LimitOverrunError:
            raise garbled() from None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise garbled()
        reply = answer(int(parts[1]), parts[0], {})
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                reply.headers[name.strip().lower()] = value.strip()
        if 100 <= reply.status < 200:
            continue  # 100 Continue and the like: the answer follows
        break
    try:
        if head_request or reply.status in (204, 304):
            return reply
        if "chunked" in reply.headers.get("transfer-encoding", "").lower():
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"x", 16)
                await _read_body(reader, reply, size)
                await reader.readexactly(2)
                if size == 0:
                    break
        elif "content-length" in reply.headers:
            await _read_body(reader, reply, int(reply.headers["content-length"]))
        else:
            await _read_body(reader, reply, None)  # until the server closes
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        raise ended_early(True) from None
    except ValueError:
        raise garbled() from None
    return reply


async def exchange(reader, writer, request, timeout, cap=None):
    """Sends `request` while reading its answer. Returns (outcome, answer or None, seconds,
    whole request sent). The outcome is "answer" or one of the constants above; `cap` is an
    absolute monotonic time after which waiting gives UNFINISHED instead of TIMEOUT."""
    start = time.monotonic()
    sent = False

    async def send():
        nonlocal sent
        writer.write(request)
        await writer.drain()
        sent = True

    sender = asyncio.create_task(send())
    limit = timeout
    capped = cap is not None and start + timeout > cap
    if capped:
        limit = max(0.0, cap - start)
    outcome, reply = "answer", None
    try:
        reply = await asyncio.wait_for(read_answer(reader), limit)
    except asyncio.TimeoutError:
        outcome = UNFINISHED if capped else TIMEOUT
    except ended_early as e:
        outcome = TRUNCATED if e.partial else (CLOSED if sent else CLOSED_WHILE_SENDING)
    except garbled:
        outcome = GARBLED
    except (ConnectionError, OSError):
        outcome = CLOSED if sent else CLOSED_WHILE_SENDING
    except asyncio.CancelledError:
        sender.cancel()
        raise
    finally:
        if not sender.done():
            sender.cancel()
        try:
            await sender
        except (asyncio.CancelledError, ConnectionError, OSError):
            pass
    return outcome, reply, time.monotonic() - start, sent


def close(writer):
    try:
        writer.transport.abort()
    except Exception:  # noqa: BLE001 - a dead transport is fine here
        pass
