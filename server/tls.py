"""The server's own TLS certificate: made once on first start, reused afterwards.

Rules: the certificate is never replaced automatically, because clients pin its SHA-256
fingerprint; the private key is written with mode 0600 in a 0700 directory.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import ipaddress
import logging
import os
import socket
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from server.errors import StartupError

logger = logging.getLogger(__name__)

CERT_FILE = "server.crt"
KEY_FILE = "server.key"
VALIDITY_DAYS = 5 * 365


@dataclasses.dataclass(frozen=True)
class ServerCertificate:
    """Paths of the certificate and key, and the certificate's fingerprint."""

    cert_path: Path
    key_path: Path
    fingerprint: str  # "AB:CD:…", SHA-256 of the DER certificate
    created: bool


def format_fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as upper-case hex pairs joined by colons."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def certificate_names(public_name: str | None) -> list[str]:
    """The names the certificate is made for: loopback, this host's name, the public name."""
    names = ["localhost", "127.0.0.1", "::1", socket.gethostname()]
    if public_name:
        names.append(public_name)
    return list(dict.fromkeys(name for name in names if name))


def _san_entry(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _build_certificate(names: list[str], key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, names[0]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ferry server"),
    ])
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALIDITY_DAYS))
        .add_extension(x509.SubjectAlternativeName([_san_entry(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _create(tls_dir: Path, names: list[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build_certificate(names, key)
    tls_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(tls_dir / KEY_FILE, key_pem)
    (tls_dir / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    logger.info("Made a self-signed certificate for %s", ", ".join(names))


def _load_der(cert_path: Path) -> bytes:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise StartupError(
            f"Could not read the TLS certificate {cert_path}: {exc}. "
            "Restore it from a backup, or delete the tls directory to make a new one (clients must re-pin)."
        ) from exc
    return cert.public_bytes(serialization.Encoding.DER)


def ensure_certificate(tls_dir: Path, public_name: str | None) -> ServerCertificate:
    """Load the certificate under ``tls_dir``, making a self-signed one on first start."""
    cert_path, key_path = tls_dir / CERT_FILE, tls_dir / KEY_FILE
    created = False
    if not cert_path.exists() or not key_path.exists():
        try:
            _create(tls_dir, certificate_names(public_name))
        except OSError as exc:
            raise StartupError(f"Could not write the TLS certificate under {tls_dir}: {exc}.") from exc
        created = True
    fingerprint = format_fingerprint(_load_der(cert_path))
    return ServerCertificate(cert_path, key_path, fingerprint, created)
