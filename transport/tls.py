"""Client-side TLS for talking to a Ferry server: trust exactly the server's own certificate.

Rules:
- A pin is the SHA-256 fingerprint of the server's DER certificate (``fingerprint``), or the
  certificate file itself (``cafile``, e.g. a copy of the server's ``tls/server.crt``); with both,
  they must agree. Without either, the system's CAs and the usual hostname check are used (for a
  server with a publicly trusted certificate).
- ``pinned_ssl_context`` fetches the certificate the server presents, refuses it unless it matches the
  pin (``PinnedCertificateError`` names the URL and both fingerprints), and returns a context whose
  only trust anchor is that certificate (hostname not checked: the pin is stronger).
- ``PinnedSession`` sends requests only to the pinned origin, over the pinned context, with the
  fingerprint checked again on every connection; any other origin (a redirect, a typo, plain http)
  is refused before a byte is sent, so a bearer token never reaches an unpinned peer.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import ssl
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.models import PreparedRequest, Response

from transport.errors import TransportError

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs

DEFAULT_TIMEOUT_S = 10.0
_OTHER_ANCHORS = ("ca_certs", "ca_cert_dir")
_PREFIX = re.compile(r"^\s*(sha-?256)?\s*(fingerprint)?\s*[:=]?\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s:-]")
_HEX64 = re.compile(r"[0-9A-F]{64}")


class TlsError(TransportError):
    """Base of the TLS errors: the message says what failed and what to do."""


class InvalidFingerprintError(TlsError, ValueError):
    """The text given as a fingerprint is not a SHA-256 fingerprint."""


class PinnedCertificateError(TlsError):
    """The server presented a certificate other than the pinned one."""


class ServerUnreachableError(TlsError):
    """The server could not be reached, or did not speak TLS."""


class UnpinnedPeerError(TlsError):
    """A request was about to go to an origin other than the pinned server."""


def normalise_fingerprint(text: str) -> str:
    """``"ab:cd…"``, ``"ABCD…"``, ``"SHA-256 fingerprint: AB:CD…"`` → ``"AB:CD:…"`` (32 pairs)."""
    digits = _SEPARATORS.sub("", _PREFIX.sub("", text)).upper()
    if not _HEX64.fullmatch(digits):
        raise InvalidFingerprintError(
            f"{text!r} is not a SHA-256 fingerprint: copy the 64 hex digits (colons optional) that the "
            "server printed after 'SHA-256 fingerprint:'."
        )
    return ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def certificate_fingerprint(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, as ``"AB:CD:…"``."""
    return normalise_fingerprint(hashlib.sha256(der).hexdigest())


def server_address(url: str) -> tuple[str, int]:
    """``(host, port)`` of an ``https://`` (or ``wss://``) URL; port 443 when none is given."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("https", "wss") or not parts.hostname:
        raise TlsError(f"{url!r} is not an https:// URL: Ferry talks to its server over TLS only, "
                       "e.g. https://127.0.0.1:8443.")
    try:
        port = parts.port or 443
    except ValueError as exc:
        raise TlsError(f"{url!r} has an invalid port: write it as https://host:port.") from exc
    return parts.hostname, port


def origin(url: str) -> str:
    """``https://host:port`` of a server URL (IPv6 hosts in brackets)."""
    host, port = server_address(url)
    return f"https://{f'[{host}]' if ':' in host else host}:{port}"


def _sni(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return None


def fetch_certificate(host: str, port: int, timeout: float = DEFAULT_TIMEOUT_S) -> bytes:
    """The DER certificate ``host:port`` presents (not verified: the caller compares it to a pin)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=_sni(host)) as tls:
            der = tls.getpeercert(binary_form=True)
    except ssl.SSLError as exc:
        raise ServerUnreachableError(
            f"The server at {host}:{port} did not complete a TLS handshake ({exc.reason or exc}): "
            "check that the address and port are the Ferry server's https port."
        ) from exc
    except OSError as exc:
        raise ServerUnreachableError(
            f"Could not reach the Ferry server at {host}:{port} ({exc.strerror or exc}): check the "
            "address and that the server is running."
        ) from exc
    if not der:
        raise PinnedCertificateError(f"The server at {host}:{port} presented no certificate.")
    return der


def _read_cafile(cafile: str) -> bytes:
    try:
        with open(cafile, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise TlsError(f"Could not read the certificate file {cafile}: {exc.strerror or exc}.") from exc
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return data  # already DER
    pem = data.decode("ascii", "replace")
    start = pem.index("-----BEGIN CERTIFICATE-----")
    end = pem.find("-----END CERTIFICATE-----", start)
    try:
        return ssl.PEM_cert_to_DER_cert(pem[start:end + len("-----END CERTIFICATE-----")])
    except ValueError as exc:
        raise TlsError(f"The certificate file {cafile} is not a PEM certificate: {exc}.") from exc


def _expected_fingerprint(fingerprint: str | None, cafile: str | None) -> str:
    expected = normalise_fingerprint(fingerprint) if fingerprint else None
    if cafile:
        from_file = certificate_fingerprint(_read_cafile(cafile))
        if expected is not None and expected != from_file:
            raise PinnedCertificateError(
                f"The certificate file {cafile} (SHA-256 {from_file}) does not match the given fingerprint "
                f"{expected}: give one pin, or make them agree."
            )
        expected = from_file
    assert expected is not None
    return expected


def context_for_certificate(der: bytes) -> ssl.SSLContext:
    """A client context whose only trust anchor is this certificate; hostnames are not checked."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a pinned CA-issued leaf is its own anchor
    context.load_verify_locations(cadata=der)
    return context


def pinned_ssl_context(
    url: str, fingerprint: str | None = None, cafile: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
) -> ssl.SSLContext:
    """An ``ssl.SSLContext`` for ``url`` that trusts only the pinned certificate (see module rules)."""
    host, port = server_address(url)
    if fingerprint is None and cafile is None:
        return ssl.create_default_context()
    expected = _expected_fingerprint(fingerprint, cafile)
    der = fetch_certificate(host, port, timeout)
    actual = certificate_fingerprint(der)
    if actual != expected:
        raise PinnedCertificateError(
            f"Could not connect to the server at {url}: its certificate (SHA-256 {actual}) does not match "
            f"the pinned one ({expected}). Check the fingerprint the server printed at start-up; if its "
            "certificate was replaced on purpose, pin the new one."
        )
    return context_for_certificate(der)


class PinnedAdapter(HTTPAdapter):
    """An HTTPS adapter that uses one SSL context (and checks one fingerprint) for every connection."""

    def __init__(self, context: ssl.SSLContext, fingerprint: str | None, **kwargs: Any) -> None:
        self._tls: dict[str, Any] = {"ssl_context": context, "cert_reqs": "CERT_REQUIRED"}
        if fingerprint is not None:
            self._tls.update(assert_hostname=False, assert_fingerprint=fingerprint)
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any,
    ) -> None:
        """The pool manager, with the pinned TLS settings."""
        pool_kwargs.update(self._tls)
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """A proxy manager (CONNECT tunnel) that still uses the pinned TLS settings end to end."""
        proxy_kwargs.update(self._tls)
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(
        self, request: PreparedRequest, verify: bool | str | None, cert: Any = None,
    ) -> tuple[_HostParams, _PoolKwargs]:
        """Pool key: the pinned settings, whatever ``verify`` the caller passed."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, True, cert)
        merged: dict[str, Any] = {k: v for k, v in pool_kwargs.items() if k not in _OTHER_ANCHORS}
        merged.update(self._tls)
        return host_params, cast("_PoolKwargs", merged)

    def cert_verify(self, conn: Any, url: str, verify: bool | str | None, cert: Any) -> None:
        """Never load other trust anchors into the pinned context (requests would add certifi's)."""
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None


class RefusingAdapter(BaseAdapter):
    """Mounted for every origin but the pinned one: refuses to send anything there."""

    def __init__(self, pinned_origin: str) -> None:
        super().__init__()
        self._pinned = pinned_origin

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        """Raise ``UnpinnedPeerError``."""
        raise UnpinnedPeerError(
            f"Refusing to send a request to {request.url}: this session talks only to the pinned server "
            f"{self._pinned}. Use that server's address."
        )

    def close(self) -> None:
        """Nothing to release."""


class PinnedSession(requests.Session):
    """A ``requests.Session`` that talks only to ``url``'s origin, over the pinned context."""

    def __init__(
        self, url: str, fingerprint: str | None = None, cafile: str | None = None, *,
        context: ssl.SSLContext | None = None, timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        super().__init__()
        self.base_url = origin(url)
        pin = _expected_fingerprint(fingerprint, cafile) if (fingerprint or cafile) else None
        ssl_context = context or pinned_ssl_context(url, fingerprint, cafile, timeout)
        refuse = RefusingAdapter(self.base_url)
        self.mount("https://", refuse)
        self.mount("http://", refuse)
        pinned = PinnedAdapter(ssl_context, pin)
        self.mount(self.base_url + "/", pinned)
        host, port = server_address(url)
        if port == 443:
            self.mount(f"https://{f'[{host}]' if ':' in host else host}/", pinned)

    def api(self, path: str) -> str:
        """The absolute URL of ``path`` on the pinned server (``"/api/v1/health"`` → ``https://…``)."""
        return self.base_url + "/" + path.lstrip("/")


def pinned_session(
    url: str, fingerprint: str | None = None, cafile: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
) -> PinnedSession:
    """A ``requests.Session`` for the Ferry server at ``url`` that trusts only the pinned certificate."""
    return PinnedSession(url, fingerprint, cafile, timeout=timeout)
