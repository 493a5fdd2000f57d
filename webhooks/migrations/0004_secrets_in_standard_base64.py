import base64

from django.db import migrations

PREFIX = "whsec_"


def _standard(secret: str) -> str:
    """`whsec_` + urlsafe base64 without padding (secrets.token_urlsafe) -> the same bytes in standard
    base64, padded: what every Standard Webhooks library decodes (Python's drops - and _ silently)."""
    body = secret.removeprefix(PREFIX)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return PREFIX + base64.b64encode(raw).decode()


def _urlsafe(secret: str) -> str:
    raw = base64.b64decode(secret.removeprefix(PREFIX))
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _convert(apps, convert) -> None:
    WebhookEndpoint = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.only("secret").iterator():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=convert(endpoint.secret))


class Migration(migrations.Migration):
    """Webhooks are signed as Standard Webhooks specifies: keyed by the secret's base64-decoded bytes.
    Secrets were urlsafe base64; each keeps its 32 bytes, written in standard base64 (- and _
    become + and /, a = is added), so a library decodes them the same in every language."""

    dependencies = [
        ("webhooks", "0003_derive_is_active_and_delivered_at"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _convert(apps, _standard),
            lambda apps, schema_editor: _convert(apps, _urlsafe),
        ),
    ]
