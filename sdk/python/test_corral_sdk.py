"""The Python SDK end to end against a fake host on socket.socketpair(): wire shapes, results,
error mapping, initialize/command/shutdown, ipc delivery, and surviving a misbehaving host."""

import json
import queue
import re
import socket
import threading
import unittest

import corral_sdk
from corral_sdk import CorralError, FrameDecoder, LimitExceeded, NotFound, PermissionDenied

NO_ANSWER = object()
WAIT = 5.0


class FakeHost:
    """The host's end of a socketpair: records every frame and answers as the test says."""

    def __init__(self, sock):
        self.sock = sock
        self.frames = queue.Queue()
        self.responses = {}
        self.all_responses = []
        self.answer = lambda request: {}
        self._ids = iter(range(1000, 10**6))
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        decoder = FrameDecoder(1 << 24)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            for kind, message in decoder.push(chunk):
                if kind == "response":
                    with self._arrived:
                        self.responses[message["id"]] = message
                        self.all_responses.append(message)
                        self._arrived.notify_all()
                    continue
                self.frames.put((kind, message))
                if kind == "request":
                    answer = self.answer(message)
                    if answer is NO_ANSWER:
                        continue
                    if isinstance(answer, dict) and "error" in answer:
                        self.send({"jsonrpc": "2.0", "id": message["id"], "error": answer["error"]})
                    else:
                        self.send({"jsonrpc": "2.0", "id": message["id"], "result": answer})

    def next(self):
        """The next request or notification from the extension."""
        return self.frames.get(timeout=WAIT)

    def send(self, message):
        self.write(json.dumps(message).encode() + b"\n")

    def write(self, raw):
        self.sock.sendall(raw)

    def response(self, id):
        with self._arrived:
            if not self._arrived.wait_for(lambda: id in self.responses, WAIT):
                raise AssertionError("no response to %r" % id)
            return self.responses.pop(id)

    def call(self, method, params=None):
        id = next(self._ids)
        self.send({"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}})
        return self.response(id)


INIT = {"protocolVersion": 1, "extension": {"id": "acme.x", "version": "1.0.0"}, "workspace": "/w"}


class SdkTest(unittest.TestCase):
    def setUp(self):
        host_sock, ext_sock = socket.socketpair()
        self.host = FakeHost(host_sock)
        self.problems = []
        self.exits = []
        self.corral = corral_sdk.Corral(
            ext_sock, exit=self.exits.append, on_protocol_error=self.problems.append)
        self.addCleanup(host_sock.close)
        self.addCleanup(self.corral.close)

    def serve(self):
        """run() in a thread, as an extension's main thread would; it ends when the test closes."""
        runner = threading.Thread(target=self.corral.run, daemon=True)
        runner.start()
        return runner

    def params(self):
        return self.host.next()[1]["params"]

    def test_fs_calls_put_contract_shapes_on_the_wire(self):
        self.host.answer = lambda r: {
            "fs/read": {"data": "hello"},
            "fs/list": {"entries": [{"name": "a.md", "type": "file"}]},
            "fs/stat": {"type": "file", "size": 5, "mtimeMs": 1.5},
        }.get(r["method"], {})
        self.assertEqual(self.corral.fs.read("/w/a.md"), "hello")
        self.assertEqual(self.host.next(), ("request", {
            "jsonrpc": "2.0", "id": 1, "method": "fs/read", "params": {"path": "/w/a.md"}}))
        self.corral.fs.read("/w/a.png", encoding="base64")
        self.assertEqual(self.params(), {"path": "/w/a.png", "encoding": "base64"})
        self.corral.fs.write("/w/b.txt", "text")
        self.assertEqual(self.params(), {"path": "/w/b.txt", "data": "text"})
        self.corral.fs.write("/w/b.bin", b"\x00\x01\xff")
        self.assertEqual(self.params(), {"path": "/w/b.bin", "data": "AAH/", "encoding": "base64"})
        self.assertEqual(self.corral.fs.list("/w"), [{"name": "a.md", "type": "file"}])
        self.assertEqual(self.params(), {"path": "/w"})
        self.assertEqual(self.corral.fs.stat("/w/a.md"),
                         {"type": "file", "size": 5, "mtimeMs": 1.5})
        self.assertEqual(self.params(), {"path": "/w/a.md"})

    def test_paths_resolve_and_fs_calls_take_path_variables(self):
        env = {"CORRAL_WORKSPACE": "/home/u/notes", "CORRAL_DOWNLOADS": "/data/dl"}
        host_sock, ext_sock = socket.socketpair()
        host = FakeHost(host_sock)
        corral = corral_sdk.Corral(ext_sock, exit=self.exits.append, env=env)
        self.addCleanup(host_sock.close)
        self.addCleanup(corral.close)
        self.assertEqual(corral.paths.resolve("${downloads}/report.csv"), "/data/dl/report.csv")
        self.assertEqual(corral.paths.resolve("${workspace}//a/./b/"), "/home/u/notes/a/b")
        self.assertEqual(corral.paths.resolve("/etc/hosts"), "/etc/hosts")
        host.answer = lambda r: {"data": "x"}
        corral.fs.read("${workspace}/a.md")
        self.assertEqual(host.next()[1]["params"], {"path": "/home/u/notes/a.md"})
        refused = [
            ("${documents}/a", PermissionDenied, r"\$\{documents\} is not known to this extension"),
            ("${nope}/a", CorralError, r"unknown variable \$\{nope\}"),
            ("${workspace}notes", CorralError, r"has text straight after \$\{workspace\}"),
            ("${workspace}/../x", CorralError, r"leaves \$\{workspace\}"),
            ("notes.md", CorralError, r"neither an absolute path nor a path variable"),
        ]
        for path, kind, message in refused:
            with self.assertRaisesRegex(kind, message):
                corral.paths.resolve(path)
            with self.assertRaisesRegex(kind, message):
                corral.fs.stat(path)
        with self.assertRaisesRegex(NotFound, "no folder is open"):
            corral_sdk.resolve_path("${workspace}/a", {})

    def test_the_path_variable_table_is_the_hosts(self):
        # app/policy/variables.ts is the source; this copy must not drift from it.
        import pathlib
        source = (pathlib.Path(__file__).parents[2] / "app/policy/variables.ts").read_text()
        table = dict(re.findall(r"^  (\w+): '(CORRAL_\w+)',$", source, re.M))
        self.assertEqual(table, corral_sdk.PATH_VARIABLE_ENV)

    def test_net_fetch_sends_bytes_as_base64(self):
        response = {"status": 200, "headers": {"content-type": "text/plain"},
                    "body": {"base64": "aGk="}}
        self.host.answer = lambda r: response
        result = self.corral.net.fetch(
            "https://api.github.com/x", method="POST", headers={"x-a": "1"}, body=b"hi")
        self.assertEqual(result, response)
        self.assertEqual(self.params(), {
            "url": "https://api.github.com/x", "method": "POST", "headers": {"x-a": "1"},
            "body": {"base64": "aGk="}})

    def test_ipc_publish_subscribe_and_delivery(self):
        got = []
        delivered = threading.Event()

        def on_selection(message, channel):
            got.append((channel, message))
            delivered.set()

        self.serve()
        self.corral.ipc.publish("wordcount.updates", {"words": 3})
        self.assertEqual(self.params(), {"channel": "wordcount.updates", "message": {"words": 3}})
        self.corral.ipc.subscribe("editor.selection", on_selection)
        self.assertEqual(self.params(), {"channel": "editor.selection"})
        self.host.send({"jsonrpc": "2.0", "method": "ipc/message",
                        "params": {"channel": "other.channel", "message": 1}})
        self.host.send({"jsonrpc": "2.0", "method": "ipc/message",
                        "params": {"channel": "editor.selection", "message": [1, "two"]}})
        self.assertTrue(delivered.wait(WAIT))
        self.assertEqual(got, [("editor.selection", [1, "two"])])
        self.assertRegex(self.problems[0], r'"other.channel", which has no subscriber')

    def test_permissions_request_and_log(self):
        self.host.answer = lambda r: {"granted": False}
        permissions = {"fs": [{"path": "${downloads}", "access": "read"}]}
        self.assertIs(self.corral.permissions.request(permissions), False)
        self.assertEqual(self.params(), {"permissions": permissions})
        self.corral.log.warn("careful")
        self.assertEqual(self.host.next(), ("notification", {
            "jsonrpc": "2.0", "method": "log", "params": {"level": "warn", "message": "careful"}}))

    def test_host_errors_become_typed_exceptions(self):
        answers = [
            {"error": {"code": -32001, "message": "no grant covers /etc/shadow",
                       "data": {"rule": 1}}},
            {"error": {"code": -32002, "message": "no such file"}},
            {"error": {"code": -32003, "message": "rate limit"}},
            {"error": {"code": -32099, "message": "odd"}},
        ]
        self.host.answer = lambda r: answers.pop(0)
        with self.assertRaises(PermissionDenied) as denied:
            self.corral.fs.read("/etc/shadow")
        self.assertEqual((denied.exception.code, denied.exception.message, denied.exception.data),
                         (-32001, "no grant covers /etc/shadow", {"rule": 1}))
        self.assertIsInstance(denied.exception, CorralError)
        self.assertRaises(NotFound, self.corral.fs.stat, "/nope")
        self.assertRaises(LimitExceeded, self.corral.fs.list, "/")
        with self.assertRaises(CorralError) as odd:
            self.corral.fs.list("/")
        self.assertEqual(odd.exception.code, -32099)

    def test_a_result_outside_the_contract_is_an_error(self):
        self.host.answer = lambda r: {"data": 42}
        with self.assertRaises(CorralError) as err:
            self.corral.fs.read("/a")
        self.assertEqual(err.exception.code, corral_sdk.INTERNAL_ERROR)
        self.assertRegex(err.exception.message, r"^invalid result for fs/read")

    def test_values_that_are_not_json_or_too_big_fail_before_sending(self):
        host_end, ext_end = socket.socketpair()
        small = corral_sdk.Corral(ext_end, max_frame_bytes=1024,
                                  on_protocol_error=self.problems.append)
        self.addCleanup(host_end.close)
        self.addCleanup(small.close)
        with self.assertRaises(LimitExceeded):
            small.fs.write("/a", "x" * 2000)
        with self.assertRaises(CorralError) as err:
            self.corral.ipc.publish("a.b", object())
        self.assertEqual(err.exception.code, corral_sdk.INVALID_PARAMS)

    def test_a_result_over_the_frame_limit_is_answered_limit_exceeded_at_once(self):
        host_end, ext_end = socket.socketpair()
        host = FakeHost(host_end)
        small = corral_sdk.Corral(ext_end, max_frame_bytes=1024, exit=lambda code: None,
                                  on_protocol_error=self.problems.append)
        self.addCleanup(host_end.close)
        self.addCleanup(small.close)

        @small.on_command("big")
        def big(n):
            return "x" * n

        threading.Thread(target=small.run, daemon=True).start()
        self.assertEqual(host.call("command/execute", {"command": "big", "args": [100]})["result"],
                         "x" * 100)
        error = host.call("command/execute", {"command": "big", "args": [2000]})["error"]
        self.assertEqual(error["code"], corral_sdk.LIMIT_EXCEEDED)
        self.assertRegex(error["message"], r"^the result of command/execute could not be sent: "
                         r"the message is \d+ bytes, over the 1024-byte frame limit$")
        self.assertEqual(self.problems, [])

    def test_a_call_times_out_and_the_late_answer_is_reported(self):
        late = []
        self.host.answer = lambda r: late.append(r) or NO_ANSWER
        with self.assertRaises(LimitExceeded) as err:
            self.corral.fs.read("/slow", timeout=0.05)
        self.assertRegex(err.exception.message, r"fs/read got no answer within 0.05 s")
        self.host.send({"jsonrpc": "2.0", "id": late[0]["id"], "result": {"data": "late"}})
        self.host.answer = lambda r: {}
        self.corral.ipc.publish("a.b", 1)
        self.assertRegex("\n".join(self.problems), r"call 1, which is not waiting")

    def test_initialize_command_and_shutdown_through_run(self):
        seen = []

        @self.corral.on_initialize
        def init(params):
            seen.append(params["workspace"])

        @self.corral.on_command("wordcount.run")
        def count(path):
            return len(self.corral.fs.read(path).split())

        @self.corral.on_command("denied")
        def denied():
            raise PermissionDenied("no grant for /x")

        @self.corral.on_command("buggy")
        def buggy():
            raise KeyError("k")

        @self.corral.on_command("opaque")
        def opaque():
            return object()

        @self.corral.on_shutdown
        def bye():
            seen.append("bye")

        self.host.answer = lambda r: {"data": "one two three"}
        runner = self.serve()
        self.assertEqual(self.host.call("initialize", INIT)["result"], {})
        self.assertEqual(self.corral.wait_ready(WAIT), INIT)
        again = self.host.call("initialize", INIT)
        self.assertEqual(again["error"]["code"], corral_sdk.INVALID_REQUEST)
        version2 = self.host.call("initialize", dict(INIT, protocolVersion=2))
        self.assertEqual(version2["error"]["code"], corral_sdk.INVALID_PARAMS)
        run = self.host.call("command/execute", {"command": "wordcount.run", "args": ["/w/a.md"]})
        self.assertEqual(run, {"jsonrpc": "2.0", "id": 1003, "result": 3})
        errors = [self.host.call("command/execute", {"command": c, "args": []})["error"]
                  for c in ("denied", "buggy", "opaque", "missing")]
        buggy_error = errors.pop(1)
        self.assertEqual(errors, [
            {"code": -32001, "message": "no grant for /x"},
            {"code": -32603, "message": 'command "opaque" returned a value that is not JSON'},
            {"code": -32002,
             "message": 'no handler for command "missing"; register it with on_command'},
        ])
        # A bug: its type, message and the handler's frames (not the SDK's) travel in data.
        self.assertEqual(buggy_error["message"], "command \"buggy\" threw KeyError: 'k'")
        exception = buggy_error["data"]["exception"]
        self.assertEqual((exception["type"], exception["message"]), ("KeyError", "'k'"))
        self.assertRegex(exception["stack"], r'^  File ".*test_corral_sdk\.py", line \d+, in buggy\n')
        self.assertNotIn("/corral_sdk.py", exception["stack"])
        self.assertEqual(self.host.call("fs/read", {"path": "/a"})["error"]["code"], -32601)
        self.assertEqual(self.host.call("shutdown", {}),
                         {"jsonrpc": "2.0", "id": 1009, "result": {}})
        runner.join(WAIT)
        self.assertFalse(runner.is_alive())
        self.assertEqual(seen, ["/w", "bye"])
        self.assertEqual(self.exits, [0])

    def test_garbage_and_oversize_frames_are_answered_and_survived(self):
        host_sock, ext_sock = socket.socketpair()
        host = FakeHost(host_sock)
        corral = corral_sdk.Corral(ext_sock, max_frame_bytes=256,
                                   on_protocol_error=self.problems.append)
        self.addCleanup(host_sock.close)
        self.addCleanup(corral.close)
        host.write(b"not json\n\xff\xfe\n")
        host.write(b'{"jsonrpc":"2.0","id":5,"method":"x","params":"' + b"y" * 1000 + b'"}\n')
        host.write(b'{"jsonrpc":"2.0","id":"q","method":7}\n[1,2]\n')
        host.write(b"[" * 100 + b"]" * 100 + b"\n")
        with host._arrived:
            self.assertTrue(host._arrived.wait_for(lambda: len(host.all_responses) == 6, WAIT))
        self.assertEqual(
            [(r["id"], r["error"]["code"]) for r in host.all_responses],
            [(None, -32700), (None, -32700), (None, -32003), ("q", -32600), (None, -32600),
             (None, -32600)])
        self.assertEqual(len(self.problems), 6)
        self.assertRegex(self.problems[2], r"256-byte limit")
        self.assertRegex(self.problems[5], r"deeper than 64 levels")
        host.answer = lambda r: {"data": "still here"}
        self.assertEqual(corral.fs.read("/a"), "still here")

    def test_when_the_host_goes_away_calls_fail_and_run_returns(self):
        self.host.answer = lambda r: NO_ANSWER
        failure = []

        def call():
            try:
                self.corral.fs.read("/a")
            except CorralError as err:
                failure.append(err.message)

        caller = threading.Thread(target=call)
        caller.start()
        self.host.next()
        self.host.sock.shutdown(socket.SHUT_RDWR)
        caller.join(WAIT)
        self.assertEqual(failure, ["the connection to the host is closed"])
        self.corral.run()  # returns: the host is gone
        self.assertEqual(self.exits, [])
        self.assertRaises(CorralError, self.corral.fs.stat, "/a")
        self.corral.log.info("nobody listens")  # never raises
        self.assertRegex(self.problems[-1], r"could not log")


class FileSocketTest(unittest.TestCase):
    """Protocol version 2's file socket: descriptors tagged by handle, stale ones closed."""

    def setUp(self):
        import os
        import tempfile
        self.os = os
        self.host, ext = socket.socketpair()
        self.files = corral_sdk._FileSocket(ext.detach())
        fd, self.path = tempfile.mkstemp()
        os.write(fd, b"through a descriptor")
        os.close(fd)
        self.addCleanup(os.unlink, self.path)
        self.addCleanup(self.host.close)

    def send(self, handle):
        fd = self.os.open(self.path, self.os.O_RDONLY)
        socket.send_fds(self.host, [str(handle).encode()], [fd])
        self.os.close(fd)

    def test_the_tagged_descriptor_is_taken_and_stale_ones_are_closed(self):
        self.send(1)  # a call given up on
        self.send(2)
        fd = self.files.take(2, self.path)
        self.assertEqual(corral_sdk._FileSocket.read(fd, 7), b"through")
        with self.assertRaises(OSError):
            self.os.fstat(fd)  # read() closed it

    def test_a_missing_descriptor_is_an_error_naming_the_file(self):
        with self.assertRaises(CorralError) as caught:
            self.files.take(1, self.path)
        self.assertIn("did not arrive on the file socket", caught.exception.message)

    def test_the_version_is_taken_only_when_offered_with_a_file_socket(self):
        self.assertIsNone(corral_sdk._FileSocket.from_env({}))
        self.assertIsNone(corral_sdk._FileSocket.from_env({"CORRAL_PROTOCOL_MAX": "1",
                                                           "CORRAL_FILE_FD": "4"}))
        self.assertIsNone(corral_sdk._FileSocket.from_env({"CORRAL_PROTOCOL_MAX": "2"}))


class FrameDecoderTest(unittest.TestCase):
    def test_chunking_does_not_change_what_is_decoded(self):
        stream = (b'{"jsonrpc":"2.0","method":"log","params":{"message":"\xc3\xa9"}}\r\n\n'
                  b'{"jsonrpc":"2.0","id":1,"result":null}\n{"jsonrpc":"2.0","id":2,"result":{}}')
        whole = FrameDecoder(1024)
        expected = whole.push(stream) + whole.end()
        self.assertEqual([k for k, _ in expected], ["notification", "response", "response"])
        for size in range(1, 20):
            decoder = FrameDecoder(1024)
            events = []
            for i in range(0, len(stream), size):
                events += decoder.push(stream[i:i + size])
            self.assertEqual(events + decoder.end(), expected, size)

    def test_oversize_frames_are_reported_once_and_the_stream_resynchronises(self):
        decoder = FrameDecoder(16)
        events = decoder.push(b"x" * 10) + decoder.push(b"y" * 10) + decoder.push(b"z" * 100)
        events += decoder.push(b'\n{"jsonrpc":"2.0","id":1,"result":1}\n'[:1])
        self.assertEqual([e[1]["code"] for e in events], [corral_sdk.LIMIT_EXCEEDED])
        decoder = FrameDecoder(64)
        events = decoder.push(b"q" * 100 + b'\n{"jsonrpc":"2.0","id":1,"result":1}\n')
        self.assertEqual([k for k, _ in events], ["error", "response"])

    def test_invalid_envelopes_say_what_they_looked_like(self):
        cases = [
            ({"jsonrpc": "2.0", "id": True, "method": "x"}, "request", None),
            ({"jsonrpc": "2.0", "id": 3, "method": "x", "extra": 1}, "request", 3),
            ({"jsonrpc": "2.0", "method": 1}, "notification", None),
            ({"jsonrpc": "2.0", "id": 4, "result": 1, "error": {}}, "response", 4),
            ({"jsonrpc": "2.0", "id": 3}, "unknown", 3),
        ]
        for value, looks_like, id in cases:
            kind, error = corral_sdk.classify_message(value)
            self.assertEqual((kind, error["looks_like"], error["id"]),
                             ("error", looks_like, id), value)
        ok = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "bad"}}
        self.assertEqual(corral_sdk.classify_message(ok), ("response", ok))


if __name__ == "__main__":
    unittest.main()
