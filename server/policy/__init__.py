"""Option policy: the option catalogue and the engine that computes each agent's effective options.

Pure Python, no database and no I/O: ``catalogue`` holds every option as data, ``engine`` combines a
group's policy with an agent's own values, ``values`` checks and normalises single values.
"""

from __future__ import annotations

from server.group_state import GroupState
from server.policy.catalogue import BY_KEY, KEYS, OPTIONS, catalogue_json, companions_of, get_option
from server.policy.engine import (
    EffectiveOptions,
    GroupPolicy,
    check_consistency,
    effective_options,
    user_may_set,
    validate_user_value,
    validate_user_values,
)
from server.policy.errors import (
    CatalogueError,
    ForcedOptionError,
    InvalidOptionValueError,
    PolicyError,
    UnknownOptionError,
)
from server.policy.model import JsonValue, Kind, Option, OptionValue, Place, Section
from server.policy.values import normalise, normalise_ip_entry, normalise_mac

__all__ = [
    "BY_KEY",
    "KEYS",
    "OPTIONS",
    "CatalogueError",
    "EffectiveOptions",
    "ForcedOptionError",
    "GroupPolicy",
    "GroupState",
    "InvalidOptionValueError",
    "JsonValue",
    "Kind",
    "Option",
    "OptionValue",
    "Place",
    "PolicyError",
    "Section",
    "UnknownOptionError",
    "catalogue_json",
    "check_consistency",
    "companions_of",
    "effective_options",
    "get_option",
    "normalise",
    "normalise_ip_entry",
    "normalise_mac",
    "user_may_set",
    "validate_user_value",
    "validate_user_values",
]
