"""PayPal's webhook signature, verified here as PayPal documents it (developer.paypal.com, "Integrate
webhooks", self-verification): PayPal signs `<transmission id>|<transmission time>|<webhook id>|<CRC32
of the body, decimal>` with RSA-SHA256 and names the certificate to check it with in a header.

A forger names a certificate of its own, so the certificate is fetched only from an allowed origin
(PAYPAL_CERT_ORIGINS: PayPal's https hosts), under PayPal's certificate path, and must be in its
validity period. Certificates are cached by URL: PayPal signs many webhooks with one.
"""

from __future__ import annotations

import base64
import binascii
import threading
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings

from payments.gateways.base import GatewayError, SignatureInvalid
from payments.gateways.support import gateway_session, gateway_timeout

CERT_PATH = "/v1/notifications/certs/"
_CERT_MAX_BYTES = 64 * 1024  # a PEM certificate is a few kilobytes; more is not one
_CACHE_SIZE = 32

_certificates: OrderedDict[str, x509.Certificate] = OrderedDict()
_lock = threading.Lock()


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def cert_url_allowed(url: str) -> bool:
    """Whether `url` is a certificate URL of an allowed origin (scheme, host and port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.username or parts.password or parts.query or parts.fragment or not parts.hostname:
        return False
    if not parts.path.startswith(CERT_PATH) or ".." in parts.path:
        return False
    allowed = set()
    for origin in settings.PAYPAL_CERT_ORIGINS:
        o = urlsplit(origin.strip().rstrip("/"))
        allowed.add(_origin(o.scheme.lower(), (o.hostname or "").lower(), o.port))
    return _origin(parts.scheme.lower(), parts.hostname.lower(), port) in allowed


def _fetch_certificate(url: str) -> x509.Certificate:
    with _lock:
        cached = _certificates.get(url)
        if cached is not None:
            _certificates.move_to_end(url)
            return cached
    try:
        with gateway_session() as session:
            response = session.get(url, timeout=gateway_timeout(), allow_redirects=False, stream=True)
            body = response.raw.read(_CERT_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise GatewayError(f"PayPal's certificate could not be fetched: {type(exc).__name__}") from None
    except Exception:  # urllib3's read errors while streaming the body
        raise GatewayError("PayPal's certificate could not be read.") from None
    if response.status_code != 200 or len(body) > _CERT_MAX_BYTES:
        raise GatewayError(f"PayPal's certificate could not be fetched: HTTP {response.status_code}.")
    try:
        certificate = x509.load_pem_x509_certificate(body)
    except ValueError:
        raise SignatureInvalid("PayPal's certificate URL did not give a certificate.") from None
    with _lock:
        _certificates[url] = certificate
        while len(_certificates) > _CACHE_SIZE:
            _certificates.popitem(last=False)
    return certificate


def signature_verify(*, body: bytes, headers: Mapping[str, str], webhook_id: str) -> None:
    """Raises SignatureInvalid unless `body` carries a valid PayPal signature for `webhook_id`.
    `headers` are by lower-case name."""
    transmission_id = headers.get("paypal-transmission-id", "")
    transmission_time = headers.get("paypal-transmission-time", "")
    signature = headers.get("paypal-transmission-sig", "")
    cert_url = headers.get("paypal-cert-url", "")
    algorithm = headers.get("paypal-auth-algo", "")
    if not (transmission_id and transmission_time and signature and cert_url):
        raise SignatureInvalid("PayPal webhook without its signature headers.")
    if algorithm.lower() != "sha256withrsa":
        raise SignatureInvalid(f"PayPal signature algorithm {algorithm[:40]!r} is not SHA256withRSA.")
    if not cert_url_allowed(cert_url):
        raise SignatureInvalid("PayPal webhook names a certificate outside PayPal's hosts.")
    try:
        signed = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureInvalid("PayPal signature is not base64.") from None
    certificate = _fetch_certificate(cert_url)
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SignatureInvalid("PayPal's certificate is outside its validity period.")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureInvalid("PayPal's certificate has no RSA key.")
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
    try:
        key.verify(signed, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureInvalid("PayPal signature does not verify.") from None
