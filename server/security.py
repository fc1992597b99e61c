"""Secrets: Argon2id password hashes, bearer tokens (stored as SHA-256), codes and session secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import uuid

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 20 ms per hash on one
# core of the 2-core reference machine, so 40 thread-pool workers hashing at once need about 760 MiB, where
# argon2-cffi's default (64 MiB, 3 passes, 4 lanes: about 150 ms here) would need 2.5 GiB and allow ~13
# logins/s. The figures and the reasoning are in the README (bench/server_login.py measures them).
# Hashes made with other parameters still verify (a hash carries its own); ``needs_rehash`` finds them.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
_HASHER = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                         parallelism=ARGON2_PARALLELISM, hash_len=32, salt_len=16, type=Type.ID)
_DUMMY_HASH = _HASHER.hash("ferry timing equaliser")
CODE_DIGITS = 6


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (``None``) costs the same time and fails."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other parameters (or is unreadable): hash the password anew.

    Call it after a successful ``verify_password``, while the plain password is at hand.
    """
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def argon2_parameters() -> dict[str, int]:
    """The parameters new hashes are made with (for benchmarks and the README)."""
    return {"time_cost": ARGON2_TIME_COST, "memory_kib": ARGON2_MEMORY_KIB, "parallelism": ARGON2_PARALLELISM}


def new_token() -> str:
    """A random bearer token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def digests_match(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two digests; ``None`` never matches."""
    return a is not None and b is not None and hmac.compare_digest(a, b)


def new_session_secret() -> str:
    """32 random bytes as 64 hex characters (the SPAKE2 secret both ends use)."""
    return secrets.token_hex(32)


def new_session_id() -> str:
    """A session id: uuid4 as 32 hex characters."""
    return uuid.uuid4().hex


def new_code() -> str:
    """A random 6-digit connection code."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_password(length: int = 16) -> str:
    """A random password with upper and lower case letters, digits and a dash."""
    alphabet = string.ascii_letters + string.digits
    while True:
        chars = [secrets.choice(alphabet) for _ in range(length - 1)]
        password = "".join(chars[:8]) + "-" + "".join(chars[8:])
        if any(c.isupper() for c in chars) and any(c.islower() for c in chars) and any(
            c.isdigit() for c in chars
        ):
            return password
