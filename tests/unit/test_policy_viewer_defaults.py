"""The viewer's own option defaults (viewer.policy) are the catalogue's, and its reading rules hold."""

from __future__ import annotations

import json

from server.policy.catalogue import BY_KEY
from viewer.policy import DEFAULTS, ENV_POLICY, ViewerPolicy


def test_the_viewer_defaults_are_the_catalogue_defaults() -> None:
    assert {key: BY_KEY[key].default for key in DEFAULTS} == dict(DEFAULTS)


def test_options_from_the_agent_app_override_the_defaults() -> None:
    policy = ViewerPolicy.from_env({ENV_POLICY: json.dumps({"drawing": False, "mouse_trace": True})})
    assert not policy.allows("drawing")
    assert policy.allows("mouse_trace", "laser_pointer")


def test_a_mistyped_or_missing_value_takes_the_default() -> None:
    policy = ViewerPolicy.from_env({ENV_POLICY: json.dumps({"drawing": "no", "recording_path": 5})})
    assert policy.allows("drawing")
    assert policy.value("recording_path") == ""


def test_no_or_broken_environment_means_the_defaults() -> None:
    assert ViewerPolicy.from_env({}).as_dict() == dict(DEFAULTS)
    assert ViewerPolicy.from_env({ENV_POLICY: "{not json"}).as_dict() == dict(DEFAULTS)
    assert not ViewerPolicy.from_env({}).allows("recording_agent")
