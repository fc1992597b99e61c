"""Remember me's password store (agent.credentials) with an in-memory keyring backend, a store that has no
backend and one that refuses; and the MAC address the login sends (agent.machine)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError

from agent.credentials import SERVICE, CredentialStore, CredentialStoreError, account_name
from agent.machine import primary_mac

URL = "https://ferry.example:8443"
NO_STORE = "Your system has no password store, so Ferry cannot remember the password: you will type it next time."


class MemoryKeyring(KeyringBackend):
    """A password store in a dict: the seam where the OS keyring would be."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("Password not found")


class LockedKeyring(MemoryKeyring):
    """A store whose owner refused to unlock it."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


@pytest.fixture()
def memory_keyring() -> Iterator[MemoryKeyring]:
    """keyring's chosen backend is an in-memory one for the test."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture()
def no_keyring() -> Iterator[None]:
    """keyring finds no backend, as on a headless box."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def test_a_password_is_saved_loaded_and_forgotten(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.load(URL, "agent1") is None
    store.save(URL + "/", "agent1", "s3cret")
    assert memory_keyring.passwords == {("Ferry agent", "https://ferry.example:8443|agent1"): "s3cret"}
    assert store.load(URL, "agent1") == "s3cret"
    assert store.load(URL, "agent2") is None and store.load("https://other.example", "agent1") is None
    store.save(URL, "agent1", "newer")
    assert store.load(URL, "agent1") == "newer"
    store.forget(URL, "agent1")
    assert memory_keyring.passwords == {}
    store.forget(URL, "agent1")  # nothing stored: fine
    assert store.load(URL, "") is None  # only checks that a store exists
    store.check()


def test_the_name_is_server_and_id() -> None:
    assert SERVICE == "Ferry agent"
    assert account_name(" https://a.example/ ", " kim ") == "https://a.example|kim"


def test_no_password_store_is_one_sentence(no_keyring: None) -> None:
    store = CredentialStore()
    for call in (store.check, lambda: store.load(URL, "a"), lambda: store.save(URL, "a", "p"),
                 lambda: store.forget(URL, "a")):
        with pytest.raises(CredentialStoreError) as refused:
            call()
        assert str(refused.value) == NO_STORE


def test_a_store_that_refuses_says_why() -> None:
    store = CredentialStore(backend=LockedKeyring())
    assert store.load(URL, "a") is None
    with pytest.raises(CredentialStoreError, match=r"refused the request \(the collection is locked\)"):
        store.save(URL, "a", "p")


def test_an_explicit_backend_is_used(memory_keyring: MemoryKeyring) -> None:
    own = MemoryKeyring()
    CredentialStore(backend=own).save(URL, "a", "p")
    assert own.passwords and not memory_keyring.passwords
    with pytest.raises(CredentialStoreError, match="no password store"):
        CredentialStore(backend=fail.Keyring()).check()


def test_the_mac_is_the_real_one_or_none() -> None:
    assert primary_mac(lambda: 0x001A2B3C4D5E) == "00:1A:2B:3C:4D:5E"
    assert primary_mac(lambda: 0xA4_83_E7_01_02_03) == "A4:83:E7:01:02:03"
    assert primary_mac(lambda: 0x011A2B3C4D5E) is None  # multicast bit: uuid's random stand-in
    assert primary_mac(lambda: 0) is None
    assert primary_mac(lambda: 1 << 48) is None
    found = primary_mac()
    assert found is None or len(found) == 17
