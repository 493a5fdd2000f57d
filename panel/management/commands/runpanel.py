"""`make run`: the whole panel in the foreground, with prefixed logs.

Web (gunicorn), two Celery workers (forwarding; the rest), Celery beat and, when no provider
is configured, the provider simulator run under honcho. While the test gateway is on
(PAYMENTS_TEST_GATEWAY, by default in development) and no URL names its server, its server runs
here beside the simulator. Ctrl-C or SIGTERM stops them all, then the embedded database if this
panel runs on it.

`--chain` (`make run-chain`) also runs a second panel, B, on PORT + 1 with this one as its
provider (docs/provider.md, "A panel as another panel's provider"): its own database beside this
one's, its own data folder and filesystem broker, and a customer of this panel with funds and a
key. B is this command again, in B's environment, waiting for this panel's API to answer.
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal

import honcho.manager
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from honcho.manager import Manager
from honcho.printer import Printer

from panel import embedded_db
from panel.services import admin_ensure, chain_reseller_ensure

CHAIN_FUNDS = Decimal("1000")  # what panel B's customer here is topped up to at each start
# This panel's own: panel B gets a broker, cache and test gateway of its own.
_NOT_FOR_PANEL_B = frozenset(
    {
        "REDIS_URL",
        "PANEL_BROKER_DIR",
        "PAYMENTS_TEST_GATEWAY_URL",
        "PAYMENTS_TEST_GATEWAY_SECRET",
        "SIMULATOR_PORT",
        "PORT",
    }
)


class Command(BaseCommand):
    help = "Run the web server, a Celery worker, beat and the provider simulator together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--chain", action="store_true", help="also run panel B, selling this panel's services"
        )
        parser.add_argument(
            "--wait-for-provider", type=float, default=0, metavar="SECONDS",
            help="retry the first catalog import while the provider does not answer (panel B's start)",
        )  # fmt: skip

    def handle(self, *args, host: str, port: int, chain: bool, wait_for_provider: float, **options):
        call_command("migrate", interactive=False, verbosity=0)
        admin = admin_ensure(
            email=os.environ.get("ADMIN_EMAIL", "admin@example.com"),
            password=os.environ.get("ADMIN_PASSWORD") or None,
            remember_in=settings.DATA_DIR / "admin-password",
        )
        extra = self._before_start(wait_for_provider)
        processes = self._processes(host, port)
        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, **extra}
        envs = dict.fromkeys(processes, env)
        if chain:
            processes["panel-b"], envs["panel-b"] = self._panel_b(host, port)
            # Panel B's own honcho gives its children 5 s before SIGKILL: this one must wait
            # longer, or it kills B's honcho first and B's workers are left running.
            honcho.manager.KILL_WAIT = 20

        url = f"http://{host}:{port}"
        test_gateway = extra.get("PAYMENTS_TEST_GATEWAY_URL", "")
        gateway = f"  payments: {test_gateway}/ (the test gateway: no real money)\n" if test_gateway else ""
        database = "embedded PostgreSQL in .data/" if settings.EMBEDDED_DATABASE else "DATABASE_URL"
        password = admin.password or "(unchanged: set ADMIN_PASSWORD to reset it)"
        # Kept on in development too, so the demo admin meets the requirement production has.
        two_factor = (
            "            the admin first asks for two-factor: scan its QR code with an authenticator\n"
            f"            app, or add a passkey at http://localhost:{port}/account/2fa/\n"
            "            (STAFF_REQUIRE_2FA=false in .env skips it on this machine)\n"
            if settings.STAFF_REQUIRE_2FA
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nThe panel is starting at {url}/\n"
                f"  admin:    {url}/admin/  as {admin.email} / {password}\n"
                f"{two_factor}"
                f"  health:   {url}/healthz\n"
                f"{gateway}"
                f"  database: {database}\n"
                f"  broker:   {'Redis' if settings.REDIS_URL else f'filesystem, in {settings.BROKER_DIR}'}\n"
                + (f"  panel B:  http://{host}:{port + 1}/ (its provider is this panel)\n" if chain else "")
                + "Ctrl-C stops everything.\n"
            )
        )
        manager = Manager(Printer(sys.stdout))
        for name, command in processes.items():
            manager.add_process(name, command, env=envs[name])
        try:
            manager.loop()
        finally:
            if settings.EMBEDDED_DATABASE:
                embedded_db.stop(settings.DATA_DIR)
                self.stdout.write("embedded PostgreSQL stopped")
        sys.exit(manager.returncode)

    def _before_start(self, wait_for_provider: float = 0) -> dict[str, str]:
        """The default provider (the configured one, or the simulator, started here), its catalog imported."""
        from catalog.services import CatalogSyncError, catalog_sync
        from provider.client import ProviderError
        from provider.services import provider_ensure_default

        if settings.PROVIDER_API_URL:
            url, key, name = settings.PROVIDER_API_URL, settings.PROVIDER_API_KEY, "Default provider"
        else:
            from provider.simulator import Simulator

            port = int(os.environ.get("SIMULATOR_PORT", "0"))
            time_scale = float(os.environ.get("SIMULATOR_TIME_SCALE", "1"))
            # The simulator runs in this process, so it is up before the catalog is imported from it.
            self.simulator = Simulator("simulator-key", seed=1, time_scale=time_scale).start(
                "127.0.0.1", port
            )
            url, key, name = self.simulator.url, self.simulator.key, "Provider simulator"
            self.stdout.write(f"provider simulator at {url} (key {key}, time scale {time_scale})")
        provider = provider_ensure_default(api_url=url, api_key=key, name=name)
        deadline = time.monotonic() + wait_for_provider
        while True:
            try:
                result = catalog_sync(provider=provider)
                self.stdout.write(f"catalog from {provider.name}: {result}")
            except (ProviderError, CatalogSyncError) as error:
                if time.monotonic() < deadline:  # panel B, started beside the panel that is its provider
                    time.sleep(1)
                    continue
                self.stderr.write(
                    f"catalog not imported from {provider.name}: {error} (beat tries again hourly)"
                )
            break
        return self._test_gateway()

    def _test_gateway(self) -> dict[str, str]:
        """The test gateway's server, started in this process when it is on and no URL names one;
        its URL and secret go to the web and worker processes' environment."""
        if not settings.PAYMENTS_TEST_GATEWAY or settings.PAYMENTS_TEST_GATEWAY_URL:
            return {}
        from payments.testgateway_server import TestGatewayServer

        self.test_gateway = TestGatewayServer(settings.PAYMENTS_TEST_GATEWAY_SECRET).start("127.0.0.1", 0)
        self.stdout.write(f"test gateway (no real money) at {self.test_gateway.url}/")
        return {
            "PAYMENTS_TEST_GATEWAY": "true",
            "PAYMENTS_TEST_GATEWAY_URL": self.test_gateway.url,
            "PAYMENTS_TEST_GATEWAY_SECRET": settings.PAYMENTS_TEST_GATEWAY_SECRET,
        }

    def _panel_b(self, host: str, port: int) -> tuple[str, dict[str, str]]:
        """Panel B's command and environment: this command on its own database (created beside this
        panel's when missing), data folder and filesystem broker, with this panel's API v2 as its
        provider and the key of a customer here who has funds."""
        from django.db import connection

        name = f"{connection.settings_dict['NAME']}_b"
        with connection.cursor() as cursor:  # autocommit: CREATE DATABASE runs outside a transaction
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        key = chain_reseller_ensure(email="panel-b@example.com", funds=CHAIN_FUNDS)
        env = {
            **{k: v for k, v in os.environ.items() if k not in _NOT_FOR_PANEL_B},
            "DATABASE_URL": f"{settings.DATABASE_URL.rpartition('/')[0]}/{name}",
            "PANEL_DATA_DIR": str(settings.DATA_DIR / "panel-b"),
            "PANEL_NAME": f"{settings.PANEL_NAME} B",
            "PROVIDER_API_URL": f"http://{host}:{port}/api/v2",
            "PROVIDER_API_KEY": key,
        }
        self.stdout.write(f"panel B buys from this panel as panel-b@example.com (database {name})")
        command = (
            f"{sys.executable} manage.py runpanel --host {host} --port {port + 1} --wait-for-provider 60"
        )
        return command, env

    def _processes(self, host: str, port: int) -> dict[str, str]:
        py = sys.executable
        return {
            "web": f"{py} -m gunicorn panel.wsgi -b {host}:{port} --workers 2 --threads 4 "
            "--access-logfile - --graceful-timeout 5",
            # A worker per queue (panel/settings.py): forwarding's tasks start at once whatever the
            # background worker is doing. A forwarding run keeps its provider's calls open in threads.
            "worker": f"{py} -m celery -A panel worker -l INFO -c 2 -Q forwarding -n forwarding@%h",
            "background": f"{py} -m celery -A panel worker -l INFO -c 2 -Q celery -n background@%h",
            "beat": f"{py} -m celery -A panel beat -l INFO",
        }
