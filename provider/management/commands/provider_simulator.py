"""`manage.py provider_simulator`: serves the API v2 provider simulator until Ctrl-C or SIGTERM."""

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provider.simulator import Faults, Simulator


class Command(BaseCommand):
    help = "Serves a simulated API v2 provider (HonestSMM-style) until Ctrl-C or SIGTERM."
    requires_system_checks: list[str] = []  # it uses neither the database nor the apps

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
        parser.add_argument("--key", default="sim-key", help="the API key it accepts")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per second")
        parser.add_argument("--balance", type=Decimal, default=Decimal("1000"))
        parser.add_argument("--faults", default="", help='JSON, e.g. {"http_500": 0.05, "seed": 7}')
        parser.add_argument(
            "--honour-keys",
            action="store_true",
            help="answer a repeated add with the same idempotency_key with the first order, as our panels do",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            faults = Faults.from_json(options["faults"]) if options["faults"] else None
        except (ValueError, TypeError, json.JSONDecodeError) as error:
            raise CommandError(f"--faults: {error}") from None
        simulator = Simulator(
            options["key"],
            seed=options["seed"],
            time_scale=options["time_scale"],
            faults=faults,
            balance=options["balance"],
            honours_idempotency_keys=options["honour_keys"],
        ).start(options["host"], options["port"])
        self.stdout.write(f"Provider simulator at {simulator.url}\nAPI key: {simulator.key}")
        self.stdout.flush()
        simulator.serve_until_stopped()
        self.stdout.write("Provider simulator stopped.")
