"""The simulator over real HTTP: API v2 at `/api/v2`, test hooks at `/_sim/<hook>`."""

import json
import logging
import signal
import threading
from dataclasses import asdict
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from provider.simulator.catalog import SimError, SimService
from provider.simulator.faults import PERMANENT_REFUSALS, TRANSIENT_REFUSALS, Faults
from provider.simulator.state import SimState

log = logging.getLogger("provider.simulator")

_HTML = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking...</body></html>"
_HTML_500 = b"<html><head><title>500 Internal Server Error</title></head><body>Server Error</body></html>"


Reply = tuple[int, bytes, str]  # HTTP status, body, content type


def _json(answer: Any, status: int = 200) -> Reply:
    return status, json.dumps(answer, default=str).encode(), "application/json"


def _flatten(value: Any) -> str:
    """A JSON body's value as a form value would arrive: lists one item per line, flags 1/0."""
    if isinstance(value, list):
        return "\n".join(_flatten(item) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a burst of connections from a client with many calls in
    # flight overflows it, and the kernel resets connections whose requests were already written.
    request_queue_size = 1024
    daemon_threads = True  # a handler sleeping out a fault must not hold up stop()


class Simulator(SimState):
    """A live HonestSMM-style provider on loopback, for demos and tests.

    `Simulator(...).start()` serves in a daemon thread; `url` is its API v2 address and `key` the
    only key it accepts. The test hooks are SimState's methods, and `/_sim/<hook>` for other processes.
    """

    def __init__(
        self,
        key: str = "sim-key",
        *,
        seed: int = 0,
        time_scale: float = 1.0,
        partial_share: float = 0.1,
        cancel_share: float = 0.05,
        faults: Faults | None = None,
        balance: Decimal = Decimal("1000"),
        honours_idempotency_keys: bool = False,
    ) -> None:
        super().__init__(
            seed=seed,
            time_scale=time_scale,
            partial_share=partial_share,
            cancel_share=cancel_share,
            faults=faults,
            balance=balance,
            honours_idempotency_keys=honours_idempotency_keys,
        )
        self.key = key
        self.url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._in_flight_lock = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0  # the most API calls it was answering at once (a test hook)

    def __repr__(self) -> str:
        return f"<Simulator {self.url or 'stopped'}>"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> "Simulator":
        server = _Server((host, port), _Handler)
        server.simulator = self  # type: ignore[attr-defined]
        self._server = server
        self._stopping.clear()
        self.url = f"http://{host}:{server.server_address[1]}/api/v2"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="provider-simulator",
            daemon=True,
        )
        self._thread.start()
        log.info("provider simulator serving at %s", self.url)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "Simulator":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_until_stopped(self) -> None:
        """Blocks until `stop()`, Ctrl-C or SIGTERM (the signal only when called from the main
        thread), then stops cleanly."""
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, lambda signum, frame: self._stopping.set())
        try:
            while not self._stopping.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            self.stop()

    def reset_peak_in_flight(self) -> None:
        with self._in_flight_lock:
            self.peak_in_flight = self.in_flight

    def _call_began(self) -> None:
        with self._in_flight_lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def _call_ended(self) -> None:
        with self._in_flight_lock:
            self.in_flight -= 1

    def sleep(self, seconds: float) -> bool:
        """Waits `seconds`, or less if the simulator stops; True if it is stopping."""
        return self._stopping.wait(seconds)

    # -- answering --------------------------------------------------------------------------------

    def answer(self, params: dict[str, str]) -> Reply | None:
        """(HTTP status, body, content type) for an API v2 request, None to answer nothing."""
        key = params.pop("key", "")
        action = params.pop("action", "")
        self.record(action, params)
        if key != self.key:
            return _json({"error": "Invalid API key"})
        dice = self.dice
        if dice.faults.latency and dice.in_scope("latency", action) and self.sleep(dice.faults.latency):
            return None
        if dice.fires("rate_limit", action):
            return _json({"error": "Too many requests"}, 429)
        if dice.fires("http_500", action):
            return 500, _HTML_500, "text/html"
        if dice.fires("html", action):
            return 200, _HTML, "text/html"
        if dice.fires("add_timeout_before_accept", action):
            self.sleep(dice.faults.late_delay)
            return None
        # A provider that honours keys answers a known key with its order before judging the request.
        if dice.fires("refusal", action) and not self.holds_key(params):
            permanent = dice.draw("refusal") < dice.faults.refusal_permanent
            texts = PERMANENT_REFUSALS if permanent else TRANSIENT_REFUSALS
            return _json({"error": dice.choice("refusal", texts)})
        try:
            answer = self.api(action, params)
        except SimError as error:
            answer = {"error": str(error)}
        placed = isinstance(answer, dict) and "order" in answer
        if placed and dice.fires("add_accepted_late", action) and self.sleep(dice.faults.late_delay):
            return None  # stopping; otherwise the order exists and its answer comes too late
        status, body, content_type = _json(answer)
        if dice.fires("truncated_json", action):
            body = body[: max(1, len(body) // 2)]
        return status, body, content_type

    def control(self, hook: str, args: dict[str, Any]) -> Any:
        """Runs test hook `hook` for another process; the answer is JSON-ready."""
        if hook == "orders":
            return [asdict(order) for order in self.orders()]
        if hook == "received":
            return [received._asdict() for received in self.received]
        if hook == "in_flight":
            return {"in_flight": self.in_flight, "peak": self.peak_in_flight}
        if hook == "reset_peak_in_flight":
            self.reset_peak_in_flight()
            return {"ok": True}
        if hook == "balance":
            return {"balance": str(self.balance)}
        if hook == "set_balance":
            self.set_balance(Decimal(str(args["balance"])))
        elif hook == "set_service":
            self.set_service(int(args.pop("service")), **args)
        elif hook == "add_service":
            service_id = int(args.pop("service"))
            self.add_service(SimService(service_id, "", "Default", "", Decimal(0), 0, 0).changed(**args))
        elif hook == "remove_service":
            self.remove_service(int(args["service"]))
        elif hook == "set_faults":
            self.set_faults(Faults.from_dict(args) if args else None)
        elif hook == "force_status":
            self.force_status(
                int(args["order"]), args["status"], remains=args.get("remains"), raw=args.get("raw")
            )
        elif hook == "advance":
            self.advance(float(args["seconds"]))
        elif hook == "reset":
            self.reset()
        else:
            raise KeyError(hook)
        return {"ok": True}


class _Handler(BaseHTTPRequestHandler):
    server_version = "HonestSim/1.0"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        # The default line has the query string, which may carry the key: log the path only.
        log.debug("%s %s", self.command, urlsplit(self.path).path)

    def _params(self) -> dict[str, Any]:
        """Query parameters, then the body's (form or JSON) over them. ValueError if malformed."""
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        params: dict[str, Any] = {name: values[-1] for name, values in query.items()}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get_content_type() == "application/json" and body:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("the JSON body is not an object")
            params.update(data)
        elif body:
            form = parse_qs(body.decode(), keep_blank_values=True)
            params.update({name: values[-1] for name, values in form.items()})
        return params

    def _handle(self) -> None:
        simulator: Simulator = self.server.simulator  # type: ignore[attr-defined]
        path = urlsplit(self.path).path.rstrip("/")
        try:
            params = self._params()
        except (ValueError, UnicodeDecodeError):
            params = None
        reply: Reply | None
        if path == "/api/v2":
            if params is None:
                reply = _json({"error": "Incorrect request"})
            else:
                form = {name: _flatten(value) for name, value in params.items() if value is not None}
                simulator._call_began()
                try:
                    reply = simulator.answer(form)
                finally:
                    simulator._call_ended()
        elif path.startswith("/_sim/"):
            reply = self._control(simulator, path.removeprefix("/_sim/"), params)
        else:
            reply = 404, b"<html><body>Not found</body></html>", "text/html"
        if reply is None:
            return  # a fault: the connection closes without an answer
        status, body, content_type = reply
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its read timeout): nothing to tell it

    @staticmethod
    def _control(simulator: Simulator, hook: str, params: dict[str, Any] | None) -> Reply:
        if params is None or params.pop("key", None) != simulator.key:
            return _json({"error": "Invalid API key"}, 403)
        try:
            return _json(simulator.control(hook, params))
        except KeyError as error:
            return _json({"error": f"unknown hook or missing argument: {error}"}, 404)
        except (TypeError, ValueError, ArithmeticError) as error:
            return _json({"error": str(error)}, 400)
