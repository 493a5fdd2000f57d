"""The simulator serves calls concurrently (a thread each) and takes a burst of connections
without resetting any (its listen backlog is not socketserver's 5); it records the most calls it was
answering at once, for tests of how many calls the panel keeps open."""

from __future__ import annotations

import threading

import requests

from provider.simulator import Faults, Simulator

CALLS = 64


def test_a_burst_of_64_calls_is_answered_in_full_and_at_once():
    with Simulator(
        "burst-key", time_scale=0, faults=Faults(latency=1.0)
    ) as simulator:  # long enough to overlap on a loaded machine
        barrier = threading.Barrier(CALLS)
        answers: list[object] = []
        lock = threading.Lock()

        def call() -> None:
            barrier.wait()
            try:
                # A fresh connection each, as a client opening many calls at once does.
                answer = requests.post(
                    simulator.url, data={"key": "burst-key", "action": "balance"}, timeout=10
                )
                result: object = answer.json()
            except requests.RequestException as error:
                result = error
            with lock:
                answers.append(result)

        threads = [threading.Thread(target=call) for _ in range(CALLS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        failures = [answer for answer in answers if not isinstance(answer, dict) or "balance" not in answer]
        assert len(answers) == CALLS and failures == []
        assert simulator.peak_in_flight > CALLS // 2  # they overlapped: answered concurrently
        assert simulator.in_flight == 0
        simulator.reset_peak_in_flight()
        assert simulator.peak_in_flight == 0
