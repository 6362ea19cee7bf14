"""Corral extension SDK for Python: one file, standard library only (docs/protocol.md).

The host passes a connected socket as file descriptor CORRAL_FD (default 3) and speaks
JSON-RPC 2.0 over it, one JSON message per line. Typical use::

    import corral_sdk

    corral = corral_sdk.connect()

    @corral.on_command("wordcount.run")
    def run(path):
        return len(corral.fs.read(path).split())

    corral.run()  # answers the host until it says shutdown, then exits

Threads: a reader thread reads the socket and settles calls, so calls work from any thread,
before run() too; they block the calling thread, with a timeout. run() answers the host's
requests (initialize, command/execute, shutdown) and runs ipc/message handlers, one at a time,
on the thread that called it: register hooks and commands before calling run(), and a handler
may call the host.
"""

import base64
import itertools
import json
import os
import queue
import re
import socket
import sys
import threading
import traceback

__all__ = [
    "connect",
    "resolve_path",
    "Corral",
    "CorralError",
    "PermissionDenied",
    "NotFound",
    "LimitExceeded",
    "FrameDecoder",
    "PROTOCOL_VERSION",
]

PROTOCOL_VERSION = 1
# Same caps as app/protocol/frame-decoder.ts: a frame is buffered whole before it is parsed, and
# the handling code must not meet a value nested deeper than it can walk.
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
MAX_JSON_DEPTH = 64
# Longer than a permission question waits for the user (60 s) plus the host's longest own work
# (net/fetch, 30 s), so an answer the user gives is never lost to this timeout.
DEFAULT_TIMEOUT = 90.0

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
PERMISSION_DENIED = -32001
NOT_FOUND = -32002
LIMIT_EXCEEDED = -32003

# Where the host says each path variable is (app/policy/variables.ts, PATH_VARIABLE_ENV).
PATH_VARIABLE_ENV = {
    "workspace": "CORRAL_WORKSPACE",
    "home": "CORRAL_HOME",
    "documents": "CORRAL_DOCUMENTS",
    "downloads": "CORRAL_DOWNLOADS",
    "extensionData": "CORRAL_EXTENSION_DATA",
    "tmp": "CORRAL_TMP",
}
# Caps of an exception report (app/protocol/command-error.ts, EXCEPTION_CAPS).
_EXCEPTION_CAPS = {"type": 200, "message": 4000, "stack": 16384, "frames": 30}

_FILE_TYPES = ("file", "dir", "symlink", "other")
_LOG_LEVELS = ("debug", "info", "warn", "error")


class CorralError(Exception):
    """An error answered by the host, or raised here for a call that could not be made."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_error_object(self):
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class PermissionDenied(CorralError):
    """-32001: the policy refused the call; the message gives the reason."""

    def __init__(self, message, data=None):
        super().__init__(PERMISSION_DENIED, message, data)


class NotFound(CorralError):
    """-32002: the file, command or other target does not exist."""

    def __init__(self, message, data=None):
        super().__init__(NOT_FOUND, message, data)


class LimitExceeded(CorralError):
    """-32003: a size, rate or time limit was hit (including this SDK's call timeout)."""

    def __init__(self, message, data=None):
        super().__init__(LIMIT_EXCEEDED, message, data)


_TYPED = {PERMISSION_DENIED: PermissionDenied, NOT_FOUND: NotFound, LIMIT_EXCEEDED: LimitExceeded}


def error_from_object(error):
    """The typed exception for a JSON-RPC error object."""
    cls = _TYPED.get(error["code"])
    if cls:
        return cls(error["message"], error.get("data"))
    return CorralError(error["code"], error["message"], error.get("data"))


# ---- framing --------------------------------------------------------------------------------


class FrameDecoder:
    """Splits a byte stream into lines and each line into a message or an error; never raises.

    push() and end() return a list of ("request"|"notification"|"response", message) and
    ("error", {"code", "message", "id", "looks_like"}) events, in stream order.
    """

    def __init__(self, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
        self.max_frame_bytes = max_frame_bytes
        self._parts = []
        self._size = 0
        self._discarding = False

    def push(self, chunk):
        events = []
        start = 0
        while start < len(chunk):
            newline = chunk.find(b"\n", start)
            end = len(chunk) if newline == -1 else newline
            if not self._discarding and self._size + (end - start) > self.max_frame_bytes:
                # Refused as soon as seen: a peer that never sends a newline must still be noticed.
                self._discarding = True
                self._parts, self._size = [], 0
                events.append(_frame_error(
                    LIMIT_EXCEEDED,
                    "frame exceeds the %d-byte limit and was discarded" % self.max_frame_bytes))
            if newline == -1:
                if not self._discarding and end > start:
                    self._parts.append(bytes(chunk[start:end]))
                    self._size += end - start
                break
            if not self._discarding:
                self._decode(b"".join(self._parts) + bytes(chunk[start:end]), events)
            self._parts, self._size, self._discarding = [], 0, False
            start = newline + 1
        return events

    def end(self):
        events = []
        if not self._discarding and self._size:
            self._decode(b"".join(self._parts), events)
        self._parts, self._size, self._discarding = [], 0, False
        return events

    def _decode(self, line, events):
        try:
            text = line.decode("utf-8")
            if not text.strip():
                return  # blank lines separate nothing and mean nothing
            value = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError):
            why = "frame of %d bytes is not UTF-8 JSON" % len(line)
            events.append(_frame_error(PARSE_ERROR, why))
            return
        if _nested_deeper_than(value, MAX_JSON_DEPTH):
            why = "message nests deeper than %d levels" % MAX_JSON_DEPTH
            events.append(_frame_error(INVALID_REQUEST, why))
            return
        events.append(classify_message(value))


def _frame_error(code, message, id=None, looks_like="unknown"):
    return ("error", {"code": code, "message": message, "id": id, "looks_like": looks_like})


def _nested_deeper_than(value, limit):
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value):
    return _is_int(value) or isinstance(value, str)


_REQUEST_KEYS = {"jsonrpc", "id", "method", "params"}
_NOTIFICATION_KEYS = {"jsonrpc", "method", "params"}


def classify_message(value):
    """One event for a parsed JSON value: its kind and the message, or a frame error."""
    if isinstance(value, list):
        why = "batches are not supported: send one JSON object per line"
        return _frame_error(INVALID_REQUEST, why)
    if not isinstance(value, dict):
        return _frame_error(INVALID_REQUEST, "a message must be a JSON object")
    id = value.get("id") if _is_id(value.get("id")) else None
    keys = set(value)

    def invalid(kind, why):
        answer_id = None if kind == "notification" else id
        return _frame_error(INVALID_REQUEST, "invalid %s: %s" % (kind, why), answer_id, kind)

    if "method" in value:
        kind = "request" if "id" in value else "notification"
        allowed = _REQUEST_KEYS if kind == "request" else _NOTIFICATION_KEYS
        if value.get("jsonrpc") != "2.0":
            return invalid(kind, 'jsonrpc must be "2.0"')
        if kind == "request" and not _is_id(value["id"]):
            return invalid(kind, "id must be an integer or a string")
        if not isinstance(value["method"], str) or not value["method"]:
            return invalid(kind, "method must be a non-empty string")
        if "params" in value and not isinstance(value["params"], (dict, list)):
            return invalid(kind, "params must be an object or an array")
        if keys - allowed:
            return invalid(kind, "unknown key %s" % sorted(keys - allowed)[0])
        return (kind, value)
    if "result" in value or "error" in value:
        allowed = {"jsonrpc", "id", "result"} if "result" in value else {"jsonrpc", "id", "error"}
        if value.get("jsonrpc") != "2.0":
            return invalid("response", 'jsonrpc must be "2.0"')
        if keys - allowed:
            return invalid("response", "unknown key %s" % sorted(keys - allowed)[0])
        # An error response may carry id null: the peer could not read the id it refuses.
        null_allowed = "error" in value and "id" in value and value["id"] is None
        if not (_is_id(value.get("id")) or null_allowed):
            return invalid("response", "id must be an integer or a string")
        error = value.get("error", {"code": 0, "message": ""})
        if not (isinstance(error, dict) and set(error) <= {"code", "message", "data"}
                and _is_int(error.get("code")) and isinstance(error.get("message"), str)):
            return invalid("response", "error must be {code, message, data?}")
        return ("response", value)
    return _frame_error(INVALID_REQUEST, 'a message needs a "method", a "result" or an "error"', id)


# ---- result checks (the Python mirror of app/protocol/methods.ts) ---------------------------


def _is_str_map(value):
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _is_body(value):
    if isinstance(value, dict):
        return set(value) == {"base64"} and isinstance(value["base64"], str)
    return isinstance(value, str)


def _is_entry(value):
    return (isinstance(value, dict) and set(value) == {"name", "type"}
            and isinstance(value["name"], str) and value["type"] in _FILE_TYPES)


def _check_stat(r):
    return (set(r) == {"type", "size", "mtimeMs"} and r["type"] in _FILE_TYPES
            and _is_int(r["size"]) and r["size"] >= 0
            and isinstance(r["mtimeMs"], (int, float)) and not isinstance(r["mtimeMs"], bool))


def _check_fetch(r):
    return (set(r) == {"status", "headers", "body"} and _is_int(r["status"])
            and 100 <= r["status"] <= 599 and _is_str_map(r["headers"]) and _is_body(r["body"]))


_RESULT_CHECKS = {
    "fs/read": lambda r: set(r) == {"data"} and isinstance(r["data"], str),
    "fs/open": lambda r: (set(r) == {"size", "handle"} and _is_int(r["size"]) and r["size"] >= 0
                          and _is_int(r["handle"]) and r["handle"] >= 1),
    "fs/write": lambda r: r == {},
    "fs/list": lambda r: (set(r) == {"entries"} and isinstance(r["entries"], list)
                          and all(_is_entry(e) for e in r["entries"])),
    "fs/stat": _check_stat,
    "net/fetch": _check_fetch,
    "ipc/publish": lambda r: r == {},
    "ipc/subscribe": lambda r: r == {},
    "permissions/request": lambda r: set(r) == {"granted"} and isinstance(r["granted"], bool),
}


# ---- the client ------------------------------------------------------------------------------


class _Pending:
    def __init__(self, method):
        self.method = method
        self.done = threading.Event()
        self.result = None
        self.error = None


def _base64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


_BYTES = (bytes, bytearray, memoryview)


def resolve_path(path, env=None):
    """'${downloads}/report.csv' -> the real absolute path, from the variables Corral sets.

    An absolute path comes back normalised. Raises NotFound when no folder is open
    (${workspace}), PermissionDenied when the manifest grants nothing under the variable, and
    CorralError -32602 for a malformed path.
    """
    env = os.environ if env is None else env
    if "\0" in path:
        raise CorralError(INVALID_PARAMS, "a path cannot contain a NUL character")
    match = re.match(r"^\$\{([^}]*)\}(.*)$", path, re.S)
    if not match:
        normal = _normalize(path)
        if normal is None:
            raise CorralError(INVALID_PARAMS, '"%s" is neither an absolute path nor a path '
                              'variable; write e.g. "${workspace}/notes.md"' % path)
        return normal
    name, rest = match.group(1), match.group(2)
    if name not in PATH_VARIABLE_ENV:
        names = ", ".join("${%s}" % v for v in PATH_VARIABLE_ENV)
        raise CorralError(INVALID_PARAMS, "unknown variable ${%s}; use one of %s" % (name, names))
    if rest and not rest.startswith("/"):
        raise CorralError(INVALID_PARAMS, '"%s" has text straight after ${%s}; write "${%s}/%s"'
                          % (path, name, name, rest))
    base = env.get(PATH_VARIABLE_ENV[name])
    if not base:
        if name == "workspace":
            raise NotFound("no folder is open, so ${workspace} means nothing; open one "
                           "(corral run DIR --workspace FOLDER)")
        raise PermissionDenied('${%s} is not known to this extension: its manifest grants '
                               'nothing there; add e.g. "read ${%s}" to its permissions or '
                               'optionalPermissions' % (name, name))
    normal = _normalize(base + rest)
    if normal is None:
        raise CorralError(INVALID_PARAMS, '"%s" leaves ${%s} (".."); write the path without ".."'
                          % (path, name))
    return normal


def _normalize(path):
    """An absolute path without empty or "." segments; None for a relative path or a ".."."""
    if not path.startswith("/"):
        return None
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        return None
    return "/" + "/".join(segments)


class _Paths:
    """paths.resolve(path): path variables as the manifest writes them, to real paths."""

    def __init__(self, client):
        self._env = client._env

    def resolve(self, path):
        """'${downloads}/report.csv' -> the real path; see resolve_path()."""
        return resolve_path(path, self._env)


_INT_BYTES = 4  # a descriptor in SCM_RIGHTS is a C int


class _FileSocket:
    """Protocol version 2's file socket (CORRAL_FILE_FD): fs/open's read-only descriptors arrive
    here as SCM_RIGHTS messages whose bytes are the call's handle in decimal."""

    def __init__(self, fd):
        self._sock = socket.socket(fileno=fd)
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, env):
        """The file socket when the host offers version 2, else None (the run speaks version 1)."""
        raw = env.get("CORRAL_FILE_FD", "")
        if not (env.get("CORRAL_PROTOCOL_MAX", "1").isdigit()
                and int(env.get("CORRAL_PROTOCOL_MAX", "1")) >= 2 and raw.isdigit()):
            return None
        try:
            return cls(int(raw))
        except OSError:
            return None

    def take(self, handle, path):
        """The descriptor tagged `handle` (the caller's to close)."""
        fd = self._receive(handle)
        if fd is None:
            raise CorralError(INTERNAL_ERROR, "the descriptor of %s did not arrive on the file "
                              "socket (CORRAL_FILE_FD)" % path)
        return fd

    def _receive(self, handle):
        # The descriptor was sent before its answer, so it is queued by now; smaller handles
        # belong to calls given up on (timed out): their descriptors are closed.
        with self._lock:
            while True:
                # recvmsg, not socket.recv_fds: that one ignores its flags argument (seen on CPython
                # 3.11), and without MSG_DONTWAIT a missing descriptor would block forever.
                try:
                    data, ancillary, _flags, _addr = self._sock.recvmsg(
                        32, socket.CMSG_SPACE(_INT_BYTES),
                        socket.MSG_DONTWAIT | socket.MSG_CMSG_CLOEXEC)
                except OSError:
                    return None
                fds = [int.from_bytes(payload[i:i + _INT_BYTES], sys.byteorder)
                       for level, kind, payload in ancillary
                       if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS
                       for i in range(0, len(payload) - _INT_BYTES + 1, _INT_BYTES)]
                tag = int(data) if data.isdigit() else 0
                if tag == handle and len(fds) == 1:
                    return fds[0]
                for fd in fds:
                    os.close(fd)
                if not data or tag > handle:
                    return None

    @staticmethod
    def read(fd, size):
        """Up to size bytes of fd from its start, then closes it."""
        try:
            parts, filled = [], 0
            while filled < size:
                chunk = os.pread(fd, size - filled, filled)
                if not chunk:
                    break  # the file shrank since it was opened
                parts.append(chunk)
                filled += len(chunk)
            return b"".join(parts)
        finally:
            os.close(fd)


class _Fs:
    """fs.read/open/write/list/stat; every path is absolute or starts with a path variable."""

    def __init__(self, client):
        self._call = client._call
        self._resolve = client.paths.resolve
        self._files = client._files

    def read(self, path, encoding=None, timeout=None):
        """A file's contents: text, or base64 text with encoding="base64".

        Over protocol version 2 the bytes come through a read-only descriptor (fs/open), else
        as JSON (fs/read); the answer is the same either way.
        """
        path = self._resolve(path)
        if self._files is None:
            params = {"path": path}
            if encoding is not None:
                params["encoding"] = encoding
            return self._call("fs/read", params, timeout)["data"]
        opened = self._call("fs/open", {"path": path}, timeout)
        data = self._files.read(self._files.take(opened["handle"], path), opened["size"])
        if encoding == "base64":
            return base64.b64encode(data).decode("ascii")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # As fs/read answers: the host checks there, the SDK here.
            raise CorralError(INVALID_PARAMS,
                              '%s is not UTF-8 text; read it with encoding "base64"' % path)

    def open(self, path, timeout=None):
        """(fd, size): a read-only descriptor of a file (protocol version 2, fs/open), yours to
        read and to close; CorralError -32601 when the run speaks version 1."""
        if self._files is None:
            raise CorralError(METHOD_NOT_FOUND, "fs.open needs protocol version 2, which the host "
                              "did not offer this run")
        path = self._resolve(path)
        opened = self._call("fs/open", {"path": path}, timeout)
        return self._files.take(opened["handle"], path), opened["size"]

    def write(self, path, data, encoding=None, timeout=None):
        """Writes text (or base64 text with encoding="base64"), or bytes (sent as base64)."""
        path = self._resolve(path)
        if isinstance(data, _BYTES):
            params = {"path": path, "data": _base64(data), "encoding": "base64"}
        else:
            params = {"path": path, "data": data}
            if encoding is not None:
                params["encoding"] = encoding
        self._call("fs/write", params, timeout)

    def list(self, path, timeout=None):
        """The entries of a directory: [{"name", "type"}]."""
        return self._call("fs/list", {"path": self._resolve(path)}, timeout)["entries"]

    def stat(self, path, timeout=None):
        """{"type", "size", "mtimeMs"} of a path."""
        return self._call("fs/stat", {"path": self._resolve(path)}, timeout)


class _Net:
    def __init__(self, client):
        self._call = client._call

    def fetch(self, url, method=None, headers=None, body=None, timeout=None):
        """An HTTP request through the host: {"status", "headers", "body"}; bytes go as base64."""
        params = {"url": url}
        if method is not None:
            params["method"] = method
        if headers is not None:
            params["headers"] = headers
        if body is not None:
            params["body"] = {"base64": _base64(body)} if isinstance(body, _BYTES) else body
        return self._call("net/fetch", params, timeout)


class _Ipc:
    def __init__(self, client):
        self._call = client._call
        self._subscribers = client._subscribers

    def publish(self, channel, message, timeout=None):
        """Publishes any JSON value on a channel."""
        self._call("ipc/publish", {"channel": channel, "message": message}, timeout)

    def subscribe(self, channel, handler, timeout=None):
        """Subscribes; handler(message, channel) then runs for every message on the channel."""
        # Registered first: the host may deliver right after its answer.
        handlers = self._subscribers.setdefault(channel, [])
        handlers.append(handler)
        try:
            self._call("ipc/subscribe", {"channel": channel}, timeout)
        except BaseException:
            handlers.remove(handler)
            raise


class _Permissions:
    def __init__(self, client):
        self._call = client._call

    def request(self, permissions, timeout=None):
        """Asks the user for optional permissions (the manifest's shape); True when granted."""
        return self._call("permissions/request", {"permissions": permissions}, timeout)["granted"]


class _Log:
    """log.debug/info/warn/error(message): lines for the host's log; they never raise."""

    def __init__(self, client):
        self._client = client

    def _line(self, level, message):
        notification = {"jsonrpc": "2.0", "method": "log",
                        "params": {"level": level, "message": str(message)}}
        try:
            self._client._send(notification)
        except CorralError as err:
            self._client._report("could not log: %s" % err.message)

    def debug(self, message):
        self._line("debug", message)

    def info(self, message):
        self._line("info", message)

    def warn(self, message):
        self._line("warn", message)

    def error(self, message):
        self._line("error", message)


_CLOSED = object()


class Corral:
    """The extension's side of the protocol; use connect() to make one.

    Attributes: paths (resolve), fs (read, open, write, list, stat), net (fetch), ipc (publish,
    subscribe), permissions (request), log (debug, info, warn, error).
    """

    def __init__(self, sock, timeout=DEFAULT_TIMEOUT, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES,
                 exit=sys.exit, on_protocol_error=None, env=None, files=None):
        self._sock = sock
        self._files = files
        self._env = os.environ if env is None else env
        self._timeout = timeout
        self._max_frame_bytes = max_frame_bytes
        self._exit = exit
        self._report = on_protocol_error or (
            lambda message: sys.stderr.write("corral-sdk: %s\n" % message))
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._pending = {}
        self._closed = None
        self._commands = {}
        self._subscribers = {}
        self._initialize_hook = None
        self._shutdown_hook = None
        self._initialized = threading.Event()
        self._inbox = queue.Queue()
        self.initialize_params = None
        self.paths = _Paths(self)
        self.fs = _Fs(self)
        self.net = _Net(self)
        self.ipc = _Ipc(self)
        self.permissions = _Permissions(self)
        self.log = _Log(self)
        threading.Thread(target=self._read_loop, name="corral-reader", daemon=True).start()

    # ---- registration ----

    def on_command(self, command_id):
        """Decorator: the function answers command/execute for command_id, called with *args."""
        def register(handler):
            self._commands[command_id] = handler
            return handler
        return register

    def on_initialize(self, hook):
        """Decorator: hook(params) runs before initialize is answered; raising fails it."""
        self._initialize_hook = hook
        return hook

    def on_shutdown(self, hook):
        """Decorator: hook() runs before shutdown is answered and the process exits."""
        self._shutdown_hook = hook
        return hook

    def wait_ready(self, timeout=None):
        """The initialize params once initialize has been answered (None on timeout)."""
        self._initialized.wait(timeout)
        return self.initialize_params

    def run(self):
        """Answers the host until it says shutdown (then calls exit(0)) or closes the connection.

        The host's initialize waits for this: an extension that never calls run() never starts.
        """
        while True:
            event = self._inbox.get()
            if event is _CLOSED:
                return
            kind, message = event
            if kind == "notification":
                self._deliver(message)
            else:
                self._answer_request(message)
                if message["method"] == "shutdown":
                    self._exit(0)
                    return

    def close(self):
        """Closes the connection; pending and later calls raise CorralError."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._fail_all("the connection to the host is closed")

    # ---- extension → host ----

    def _call(self, method, params, timeout=None):
        timeout = self._timeout if timeout is None else timeout
        pending = _Pending(method)
        with self._lock:
            if self._closed:
                raise CorralError(INTERNAL_ERROR, self._closed)
            call_id = next(self._ids)
            self._pending[call_id] = pending
        try:
            self._send({"jsonrpc": "2.0", "id": call_id, "method": method, "params": params})
        except CorralError:
            with self._lock:
                self._pending.pop(call_id, None)
            raise
        if not pending.done.wait(timeout):
            with self._lock:
                self._pending.pop(call_id, None)
            raise LimitExceeded("%s got no answer within %g s" % (method, timeout),
                                {"timeoutMs": int(timeout * 1000)})
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _send(self, message):
        try:
            text = json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as err:
            what = message.get("method", "the answer")
            raise CorralError(INVALID_PARAMS, "%s: the value is not JSON (%s)" % (what, err))
        data = text.encode("utf-8")
        if len(data) > self._max_frame_bytes:
            raise LimitExceeded(
                "the message is %d bytes, over the %d-byte frame limit"
                % (len(data), self._max_frame_bytes), {"limit": self._max_frame_bytes})
        # sendall blocks while the socket buffer is full: that is the backpressure.
        with self._send_lock:
            if self._closed:
                raise CorralError(INTERNAL_ERROR, self._closed)
            try:
                self._sock.sendall(data + b"\n")
            except OSError as err:
                raise CorralError(INTERNAL_ERROR, "the connection to the host failed: %s" % err)

    # ---- host → extension ----

    def _read_loop(self):
        decoder = FrameDecoder(self._max_frame_bytes)
        try:
            while True:
                chunk = self._sock.recv(65536)
                if not chunk:
                    break
                for event in decoder.push(chunk):
                    self._receive(event)
            for event in decoder.end():
                self._receive(event)
            reason = "the connection to the host is closed"
        except OSError as err:
            reason = "the connection to the host failed: %s" % err
        self._fail_all(reason)
        self._inbox.put(_CLOSED)

    def _receive(self, event):
        kind, message = event
        if kind == "response":
            self._settle(message)
        elif kind in ("request", "notification"):
            self._inbox.put(event)
        else:
            self._refuse(message)

    def _settle(self, response):
        call_id = response.get("id")
        with self._lock:
            pending = self._pending.pop(call_id, None) if _is_id(call_id) else None
        if pending is None:
            what = 'error "%s"' % response["error"]["message"] if "error" in response else "result"
            self._report("the host sent an %s for call %s, which is not waiting (timed out?)"
                         % (what, json.dumps(call_id)))
            return
        if "error" in response:
            pending.error = error_from_object(response["error"])
        elif not (isinstance(response["result"], dict)
                  and _RESULT_CHECKS[pending.method](response["result"])):
            pending.error = CorralError(INTERNAL_ERROR, "invalid result for %s: %s"
                                        % (pending.method, json.dumps(response["result"])[:200]))
        else:
            pending.result = response["result"]
        pending.done.set()

    # A frame the decoder refused: fail the call it answered, or answer it (JSON-RPC 2.0 §5).
    def _refuse(self, error):
        self._report("the host sent a bad frame: %s" % error["message"])
        if error["looks_like"] != "response":
            answer = {"code": error["code"], "message": error["message"]}
            try:
                self._send({"jsonrpc": "2.0", "id": error["id"], "error": answer})
            except CorralError:
                pass  # closed: the reader loop reports that
            return
        with self._lock:
            pending = self._pending.pop(error["id"], None)
        if pending is not None:
            why = "the host answered out of protocol: %s" % error["message"]
            pending.error = CorralError(INTERNAL_ERROR, why)
            pending.done.set()

    def _fail_all(self, reason):
        with self._lock:
            if self._closed:
                return
            self._closed = reason
            pending, self._pending = list(self._pending.values()), {}
        for p in pending:
            p.error = CorralError(INTERNAL_ERROR, reason)
            p.done.set()

    def _answer_request(self, request):
        try:
            response = {"jsonrpc": "2.0", "id": request["id"], "result": self._answer(request)}
        except Exception as err:  # every failure is answered, never raised into run()
            response = {"jsonrpc": "2.0", "id": request["id"],
                        "error": _as_corral_error(err).to_error_object()}
        try:
            self._send(response)
        except CorralError as err:
            # A result over the frame limit is answered with that error instead, at once: the
            # host must not wait out its timeout (docs/protocol.md, Limits).
            if "result" in response:
                why = "the result of %s could not be sent: %s" % (request["method"], err.message)
                self._answer_error(request, CorralError(err.code, why, err.data))
            else:
                self._report("could not answer %s: %s" % (request["method"], err.message))

    def _answer_error(self, request, err):
        try:
            self._send({"jsonrpc": "2.0", "id": request["id"], "error": err.to_error_object()})
        except CorralError as again:
            self._report("could not answer %s: %s" % (request["method"], again.message))

    def _answer(self, request):
        method = request["method"]
        params = request.get("params", {})
        if method == "initialize":
            if not (isinstance(params, dict) and params.get("protocolVersion") == PROTOCOL_VERSION
                    and isinstance(params.get("extension"), dict) and "workspace" in params):
                raise CorralError(INVALID_PARAMS, "invalid params for initialize: expected "
                                  "protocolVersion %d, extension and workspace" % PROTOCOL_VERSION)
            if self._initialized.is_set():
                raise CorralError(INVALID_REQUEST, "already initialized")
            if self._initialize_hook:
                self._initialize_hook(params)
            self.initialize_params = params
            self._initialized.set()
            # Version 2 (fs/open) is taken when the host offered it with a file socket.
            return {"protocolVersion": 2} if self._files is not None else {}
        if method == "command/execute":
            if not (isinstance(params, dict) and isinstance(params.get("command"), str)
                    and isinstance(params.get("args"), list)):
                raise CorralError(INVALID_PARAMS,
                                  "invalid params for command/execute: expected {command, args}")
            command = params["command"]
            handler = self._commands.get(command)
            if handler is None:
                raise NotFound('no handler for command "%s"; register it with on_command' % command)
            try:
                result = handler(*params["args"])
            except CorralError:
                raise
            except Exception as err:
                raise _command_failure(command, err)
            try:
                json.dumps(result, allow_nan=False)
            except (TypeError, ValueError):
                raise CorralError(INTERNAL_ERROR,
                                  'command "%s" returned a value that is not JSON' % command)
            return result
        if method == "shutdown":
            if self._shutdown_hook:
                try:
                    self._shutdown_hook()
                except Exception as err:
                    self._report("the shutdown hook failed: %s" % err)
            return {}
        raise CorralError(METHOD_NOT_FOUND, 'unknown method "%s"' % method)

    def _deliver(self, notification):
        params = notification.get("params")
        if notification["method"] != "ipc/message":
            self._report('the host sent the unknown notification "%s"' % notification["method"])
            return
        if not (isinstance(params, dict) and set(params) == {"channel", "message"}
                and isinstance(params["channel"], str)):
            self._report("invalid params for ipc/message: expected {channel, message}")
            return
        channel = params["channel"]
        handlers = self._subscribers.get(channel)
        if not handlers:
            self._report('ipc/message on "%s", which has no subscriber' % channel)
            return
        for handler in list(handlers):
            try:
                handler(params["message"], channel)
            except Exception as err:
                self._report('the handler for "%s" failed: %s' % (channel, err))


def _command_failure(command, err):
    """A bug in a command handler as -32603 with its type, message and traceback in data."""
    frames = traceback.format_tb(err.__traceback__)[1:]  # [0] is this SDK calling the handler
    stack = "".join(frames[-_EXCEPTION_CAPS["frames"]:]).rstrip("\n")
    exception = {"type": type(err).__name__[:_EXCEPTION_CAPS["type"]],
                 "message": str(err)[:_EXCEPTION_CAPS["message"]]}
    if stack:
        exception["stack"] = stack[-_EXCEPTION_CAPS["stack"]:]
    first = exception["message"].split("\n")[0] or exception["type"]
    return CorralError(INTERNAL_ERROR, 'command "%s" threw %s: %s' % (command, exception["type"],
                                                                     first),
                       {"exception": exception})


def _as_corral_error(err):
    """Any exception as a CorralError (others become -32603 with their first line)."""
    if isinstance(err, CorralError):
        return err
    return CorralError(INTERNAL_ERROR, str(err).split("\n")[0] or type(err).__name__)


_HINT = 'start the extension with "corral run"'


def connect(fd=None, **options):
    """Connects to the host over the inherited socket (fd CORRAL_FD, default 3).

    options: timeout (seconds per call, default 90), max_frame_bytes, exit (called with 0 after
    shutdown; default sys.exit), on_protocol_error (one-line reports; default stderr), env (where
    paths.resolve finds the path variables; default os.environ).
    """
    if fd is None:
        raw = os.environ.get("CORRAL_FD", "3")
        if not raw.isdigit():
            raise CorralError(INVALID_PARAMS,
                              'CORRAL_FD is "%s", not a file descriptor number; %s' % (raw, _HINT))
        fd = int(raw)
    try:
        sock = socket.socket(fileno=fd)
    except OSError as err:
        raise CorralError(INTERNAL_ERROR, "file descriptor %d is not a socket from Corral (%s); %s"
                          % (fd, err.strerror or err, _HINT))
    if "files" not in options:
        options["files"] = _FileSocket.from_env(options.get("env") or os.environ)
    return Corral(sock, **options)
