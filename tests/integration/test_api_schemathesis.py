"""Property-based API test: schemathesis runs every operation of the server's own OpenAPI document.

The document is read from a real server (its own data directory, loopback only, over the pinned TLS
session), and every operation gets up to ``MAX_EXAMPLES`` positive and negative requests, generated
deterministically (``derandomize``, no example database), so a run is repeatable and bounded.

Checks and why:

* ``not_a_server_error`` - never a 5xx: bad input is the caller's fault and must be a 4xx.
* ``status_code_conformance`` - every status the server answers is documented (``responses=``).
* ``content_type_conformance`` - answers are JSON, as documented.
* ``response_schema_conformance`` - 2xx bodies match their models, error bodies are ``{"detail": str}``.
* ``negative_data_rejection`` - input that breaks the schema (wrong types, oversize fields, unknown
  keys) is refused with a 4xx, never accepted.

Admin paths (``/api/v1/admin/…``) are sent with the token of a company admin alone in a company of their
own; every other operation with the demo agent's token.

Not used: ``use_after_free`` / ``ensure_resource_availability`` and the other stateful checks (the
test is stateless), and ``ignored_auth`` (the one bearer scheme covers both agent and host tokens, so
"an operation answered without the agent token" is sometimes right: ``/sessions/{id}/end`` takes a host
token too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, NegativeDataRejectionConfig
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import create_agent, issue_admin_token
from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import Role, User
from tools.server_process import RunningServer, running_server

MAX_EXAMPLES = 25
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]
LOGOUT = "/api/v1/auth/logout"
ADMIN = "/api/v1/admin/"
ADMIN_LOGOUT = "/api/v1/admin/auth/logout"


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of its own: the fuzzing trips the join rate limit and fills the database."""
    with running_server(tmp_path_factory.mktemp("ferry-schemathesis") / "data") as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(fuzzed_server: RunningServer) -> Any:
    """The server's OpenAPI document, loaded over the pinned session, aimed at the loopback server."""
    assert fuzzed_server.url.startswith("https://127.0.0.1:")
    with fuzzed_server.session() as http:
        answer = http.get(fuzzed_server.api("/openapi.json"), timeout=10)
    answer.raise_for_status()
    schema = schemathesis.openapi.from_dict(answer.json())
    schema.config.update(base_url=fuzzed_server.url, tls_verify=str(fuzzed_server.cert_path),
                         request_timeout=10)
    # A body over the server's 64 KiB limit is refused with 413 before it is read: that is a refusal too.
    rejection = NegativeDataRejectionConfig(expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, 413])
    schema.config.checks.negative_data_rejection = rejection
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES,
                                    deterministic=True, database="none")
    return schema


@pytest.fixture(scope="module")
def agent_token(fuzzed_server: RunningServer) -> str:
    """The demo agent's bearer token, shared by every operation except logout."""
    return fuzzed_server.login()


@pytest.fixture(scope="module")
def admin_tokens(fuzzed_server: RunningServer) -> Iterator[Callable[[], str]]:
    """Admin-page tokens of a company admin alone in a company of their own, so fuzzed deletes, logouts and
    password changes never reach the demo agent whose token the other operations use."""
    db = Database(create_db_engine(default_database_url(fuzzed_server.data_dir)))

    def make(session: Session) -> int:
        create_agent(session, login_id="fuzz-admin", name="Fuzz Admin", password="Fuzz-admin-47",
                     company="Fuzz Admins", group=None)
        user = session.scalars(select(User).where(User.login_id == "fuzz-admin")).one()
        user.role = Role.COMPANY_ADMIN.value
        return user.id

    user_id = db.run(make)
    yield lambda: db.run(issue_admin_token, user_id, 3600.0).token
    db.dispose()


def _lost_in_sending(query: dict[str, Any] | None) -> bool:
    """True when a query parameter's value is one that requests does not send at all (None, an empty list):
    the request that reaches the server is then not the (negative) case schemathesis meant to send."""
    return any(value is None or value == [] for value in (query or {}).values())


def _token_for(path: str, server: RunningServer, agent_token: str, admin_tokens: Callable[[], str],
               admin_token: str) -> str:
    """The token a case is sent with: admin paths get the admin's, logouts a fresh one of their kind."""
    if path == LOGOUT:
        return server.login()
    if path == ADMIN_LOGOUT:
        return admin_tokens()
    return admin_token if path.startswith(ADMIN) else agent_token


def _run_operation(operation: Any, mode: GenerationMode, server: RunningServer, agent_token: str,
                   admin_tokens: Callable[[], str]) -> None:
    admin_token = admin_tokens()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        assume(not _lost_in_sending(case.query))
        token = _token_for(case.operation.path, server, agent_token, admin_tokens, admin_token)
        with server.session() as http:
            case.call_and_validate(session=http, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


@pytest.mark.timeout(600)  # every operation, 25 + 25 examples each: about 3 minutes on this machine
def test_api_conforms_to_its_openapi_document(
    api_schema: Any, fuzzed_server: RunningServer, agent_token: str, admin_tokens: Callable[[], str],
) -> None:
    """No 5xx, only documented statuses and bodies, and schema-breaking input refused with a 4xx."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7, [operation.label for operation in operations]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run_operation(operation, mode, fuzzed_server, agent_token, admin_tokens)
            except Unsatisfiable:  # nothing to break: the operation takes no input (health)
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect all, then report
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
