"""docker-compose.yml ships the TLS proxy: Caddy (deploy/Caddyfile) alone publishes ports (80 and
443) and terminates HTTPS for PANEL_DOMAIN; gunicorn (`web`) is only reachable on the compose
network, from the proxy, and trusts the one proxy's forwarded headers (TRUSTED_PROXY_COUNT=1)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_only_the_proxy_publishes_ports():
    services = _services()
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"proxy"}
    published = {str(port).split(":")[0].split("/")[0] for port in services["proxy"]["ports"]}
    assert published == {"80", "443"}


def test_web_is_exposed_on_the_compose_network_only_and_trusts_one_proxy():
    web = _services()["web"]
    assert "ports" not in web
    assert [str(port) for port in web["expose"]] == ["8000"]
    assert str(web["environment"]["TRUSTED_PROXY_COUNT"]) == "1"
    # The merge keeps what every panel process needs.
    assert {"DATABASE_URL", "REDIS_URL"} <= set(web["environment"])


def test_the_proxy_is_caddy_with_the_repositorys_caddyfile_for_the_panels_domain():
    proxy = _services()["proxy"]
    assert proxy["image"].startswith("caddy:2")
    mounted = {volume.split(":")[0]: volume.split(":")[1] for volume in proxy["volumes"]}
    assert mounted["./deploy/Caddyfile"] == "/etc/caddy/Caddyfile"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$PANEL_DOMAIN}" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile
    assert "PANEL_DOMAIN" in proxy["environment"]


def test_the_services_ci_checks_remain_and_beat_stays_one():
    services = _services()
    for name in ("db", "redis", "migrate", "web", "worker", "beat"):
        assert name in services
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
