"""Password hashing: the chosen Argon2id parameters, hashes made with other parameters, and ``needs_rehash``."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from server.security import (
    ARGON2_MEMORY_KIB,
    ARGON2_PARALLELISM,
    ARGON2_TIME_COST,
    argon2_parameters,
    hash_password,
    needs_rehash,
    verify_password,
)

PASSWORD = "Good-pass-47"


def test_new_hashes_are_argon2id_with_the_chosen_parameters() -> None:
    made = hash_password(PASSWORD)
    params = extract_parameters(made)
    assert made.startswith("$argon2id$")
    assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (
        Type.ID, ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM)
    assert argon2_parameters() == {"time_cost": 2, "memory_kib": 19456, "parallelism": 1}


def test_the_parameters_meet_owasp_minimums() -> None:
    # OWASP Password Storage Cheat Sheet: Argon2id with m=19 MiB, t=2, p=1 at least (or an equivalent trade).
    assert ARGON2_MEMORY_KIB >= 19 * 1024 and ARGON2_TIME_COST >= 2 and ARGON2_PARALLELISM >= 1


def test_a_hash_verifies_its_password_only() -> None:
    made = hash_password(PASSWORD)
    assert verify_password(made, PASSWORD)
    assert not verify_password(made, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)
    assert hash_password(PASSWORD) != made  # salted


@pytest.mark.parametrize("hasher", [
    PasswordHasher(),  # argon2-cffi's default before this choice: 64 MiB, t=3, p=4
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.I),
], ids=["old-default", "cheap", "argon2i"])
def test_hashes_made_with_other_parameters_still_verify_and_need_a_rehash(hasher: PasswordHasher) -> None:
    old = hasher.hash(PASSWORD)
    assert verify_password(old, PASSWORD)
    assert not verify_password(old, "Wrong-pass-47")
    assert needs_rehash(old)


def test_a_current_hash_needs_no_rehash() -> None:
    assert not needs_rehash(hash_password(PASSWORD))


def test_an_unreadable_hash_needs_a_rehash() -> None:
    assert needs_rehash("$argon2id$garbage")
    assert needs_rehash("")
