"""End-to-end key exchange and record protection of the session channel, sans-IO.

Handshake (one plaintext HELLO frame each way, sent without waiting for the peer's):

    HELLO payload (67 bytes) = version u8 | role u8 (1 host, 2 viewer)
                               | SPAKE2 message (33: side byte + Ed25519 element)
                               | X25519 ephemeral public key (32)

SPAKE2 is the asymmetric variant: the host is SPAKE2_A, the viewer SPAKE2_B, with the
identities b"ferry host" / b"ferry viewer", so two hosts (or two viewers) never agree.
Both HELLO frames, header included, host's first, are hashed into the transcript:

    transcript = SHA-256(b"ferry/1 transcript" || host HELLO frame || viewer HELLO frame)
    okm = HKDF-SHA256(ikm = spake2_key || x25519_shared, salt = transcript,
                      info = b"ferry/1 session keys", length = 136)
    okm[0:32]    ChaCha20-Poly1305 key host -> viewer
    okm[32:64]   ChaCha20-Poly1305 key viewer -> host
    okm[64:96]   key-confirmation key of the host
    okm[96:128]  key-confirmation key of the viewer
    okm[128:136] SAS: big-endian integer mod 10**6, shown as 6 digits

Key confirmation: each side's first RECORD (seq 0) is KEY_CONFIRM, whose body is
HMAC-SHA256(own confirmation key, b"ferry/1 key confirm" || role byte || transcript).

Records: nonce = 4 zero bytes || seq as u64 big endian (keys are per direction, so a
nonce never repeats under one key); associated data = the 16-byte frame header. The
opener accepts only seq == the next expected counter, so replayed, reordered or dropped
frames fail closed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from spake2 import SPAKE2_A, SPAKE2_B, SPAKEError
from spake2.ed25519_basic import NotOnCurve

from protocol.errors import HandshakeError, LocalProtocolError, RemoteProtocolError
from protocol.framing import Payload, pack_header
from protocol.wire import AEAD_TAG_SIZE, MAX_PAYLOAD, SAS_DIGITS, WIRE_VERSION, FrameKind, MessageType

HELLO_PAYLOAD = struct.Struct("!BB33s32s")
ROLE_HOST = 1
ROLE_VIEWER = 2
_ROLE_NAMES = {ROLE_HOST: "host", ROLE_VIEWER: "viewer"}
_SPAKE_ID_HOST = b"ferry host"
_SPAKE_ID_VIEWER = b"ferry viewer"
_TRANSCRIPT_LABEL = b"ferry/1 transcript"
_HKDF_INFO = b"ferry/1 session keys"
_CONFIRM_LABEL = b"ferry/1 key confirm"
_PASSWORD_LABEL = b"ferry/1 session password"
_NONCE = struct.Struct("!4xQ")
_SEQ_LIMIT = 2**64 - 1
MAX_PLAINTEXT = MAX_PAYLOAD - AEAD_TAG_SIZE
KEY_CONFIRM_TYPE = bytes((MessageType.KEY_CONFIRM,))


class RecordError(RemoteProtocolError):
    """A RECORD is out of sequence or fails authentication."""


@dataclasses.dataclass(frozen=True, slots=True)
class PeerHello:
    """The fields of the peer's HELLO payload."""

    role: int
    spake_message: bytes
    x25519_public: bytes


def password_secret(server_secret: bytes, password: str) -> bytes:
    """The session secret when a session password is used: HMAC-SHA256(server secret, label || 0 || digits).

    Both ends need the server's secret AND the digits the agent read out, so the server alone cannot complete
    the SPAKE2 exchange, and a wrong password fails the key confirmation.
    """
    return hmac.new(server_secret, _PASSWORD_LABEL + b"\0" + password.encode("ascii"), hashlib.sha256).digest()


def parse_hello(payload: Payload, own_role: int) -> PeerHello:
    """Check the peer's HELLO payload (length already checked by framing); HandshakeError if bad."""
    version, role, spake_message, x25519_public = HELLO_PAYLOAD.unpack(payload)
    if version != WIRE_VERSION:
        raise HandshakeError(f"the peer's HELLO says wire version {version}, this end speaks {WIRE_VERSION}")
    if role not in _ROLE_NAMES:
        raise HandshakeError(f"the peer's HELLO names an unknown role {role}")
    if role == own_role:
        name = _ROLE_NAMES[role]
        raise HandshakeError(f"both ends say they are the {name}: one must be the host, the other the viewer")
    return PeerHello(role, spake_message, x25519_public)


class RecordSealer:
    """Encrypts outgoing messages into RECORD frames, counting seq up from 0."""

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self.seq = 0

    def seal(self, plaintext: Payload) -> bytes:
        """One whole RECORD frame (header + ciphertext + tag) carrying ``plaintext``."""
        if len(plaintext) > MAX_PLAINTEXT:
            raise LocalProtocolError(
                f"message of {len(plaintext)} bytes exceeds the {MAX_PLAINTEXT}-byte record limit: "
                "send it in parts"
            )
        if self.seq >= _SEQ_LIMIT:
            raise LocalProtocolError("the record counter is exhausted: end this session and start a new one")
        header = pack_header(FrameKind.RECORD, len(plaintext) + AEAD_TAG_SIZE, self.seq)
        ciphertext = self._aead.encrypt(_NONCE.pack(self.seq), plaintext, header)
        self.seq += 1
        return header + ciphertext


class RecordOpener:
    """Decrypts incoming RECORD frames, accepting exactly the next seq."""

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self.seq = 0

    def open(self, seq: int, header: bytes, payload: Payload) -> bytes:
        """The plaintext of a RECORD; RecordError when out of sequence or not authentic."""
        if seq != self.seq:
            raise RecordError(
                f"record out of sequence: expected seq {self.seq}, got {seq} "
                "(a replayed, reordered or lost frame)"
            )
        try:
            plaintext = self._aead.decrypt(_NONCE.pack(seq), payload, header)
        except InvalidTag:
            raise RecordError(f"record {seq} failed authentication: it was altered on the way") from None
        self.seq += 1
        return plaintext


@dataclasses.dataclass(frozen=True, slots=True)
class SessionKeys:
    """What the handshake produced for one side."""

    sealer: RecordSealer
    opener: RecordOpener
    sas: str
    own_confirm: bytes
    peer_confirm: bytes

    def key_confirm_plaintext(self) -> bytes:
        """The plaintext of our KEY_CONFIRM record."""
        return KEY_CONFIRM_TYPE + self.own_confirm

    def peer_confirm_valid(self, plaintext: bytes) -> bool:
        """True when ``plaintext`` is the peer's KEY_CONFIRM with the expected MAC."""
        return plaintext[:1] == KEY_CONFIRM_TYPE and hmac.compare_digest(plaintext[1:], self.peer_confirm)


class Handshake:
    """Our half of the SPAKE2 + X25519 exchange; make a new one for every session."""

    def __init__(self, is_host: bool, secret: bytes) -> None:
        self.is_host = is_host
        self.role = ROLE_HOST if is_host else ROLE_VIEWER
        spake_class = SPAKE2_A if is_host else SPAKE2_B
        self._spake = spake_class(bytes(secret), idA=_SPAKE_ID_HOST, idB=_SPAKE_ID_VIEWER)
        self._x25519 = X25519PrivateKey.generate()
        spake_message: bytes = self._spake.start()
        x25519_public = self._x25519.public_key().public_bytes_raw()
        payload = HELLO_PAYLOAD.pack(WIRE_VERSION, self.role, spake_message, x25519_public)
        self.hello_frame = pack_header(FrameKind.HELLO, len(payload), 0) + payload

    def finish(self, peer_hello_frame: bytes, peer: PeerHello) -> SessionKeys:
        """Derive the session keys from the peer's HELLO; HandshakeError when its values are invalid."""
        spake_key = self._spake_key(peer.spake_message)
        try:
            shared = self._x25519.exchange(X25519PublicKey.from_public_bytes(peer.x25519_public))
        except ValueError as exc:
            raise HandshakeError(f"the peer's X25519 key is not usable ({exc})") from None
        host_hello, viewer_hello = self.hello_frame, peer_hello_frame
        if not self.is_host:
            host_hello, viewer_hello = viewer_hello, host_hello
        transcript = hashlib.sha256(_TRANSCRIPT_LABEL + host_hello + viewer_hello).digest()
        okm = HKDF(hashes.SHA256(), 136, salt=transcript, info=_HKDF_INFO).derive(spake_key + shared)
        return self._keys(okm, transcript)

    def _spake_key(self, spake_message: bytes) -> bytes:
        try:
            key: bytes = self._spake.finish(spake_message)
        except (SPAKEError, NotOnCurve, ValueError) as exc:
            raise HandshakeError(f"the peer's SPAKE2 message is not valid ({type(exc).__name__})") from None
        return key

    def _keys(self, okm: bytes, transcript: bytes) -> SessionKeys:
        host_to_viewer, viewer_to_host = okm[0:32], okm[32:64]
        host_confirm = _confirm_tag(okm[64:96], ROLE_HOST, transcript)
        viewer_confirm = _confirm_tag(okm[96:128], ROLE_VIEWER, transcript)
        sas = f"{int.from_bytes(okm[128:136], 'big') % 10**SAS_DIGITS:0{SAS_DIGITS}d}"
        if self.is_host:
            return SessionKeys(
                RecordSealer(host_to_viewer), RecordOpener(viewer_to_host), sas, host_confirm, viewer_confirm
            )
        return SessionKeys(
            RecordSealer(viewer_to_host), RecordOpener(host_to_viewer), sas, viewer_confirm, host_confirm
        )


def _confirm_tag(key: bytes, role: int, transcript: bytes) -> bytes:
    return hmac.new(key, _CONFIRM_LABEL + bytes((role,)) + transcript, hashlib.sha256).digest()
