"""Privacy protection of a connection page (SPEC "Company options"): the customer's PC name, IP and MAC are not
shown in the agent's nor the admin's history of a session that came from a page with ``privacy_protection`` on.

One rule for every view: ``hidden_sessions`` says which sessions are protected, ``shown`` gives a value or None.
The session keeps its page in ``sessions.page_id`` (``remember_page``), set where a page makes or names a
session: the icon page, the access-code page and a window page's remote button.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import ConnectionPage, SupportSession

Value = TypeVar("Value")


def hidden_sessions(db: Session, rows: Iterable[SupportSession]) -> set[str]:
    """The ids of those sessions whose page has privacy protection on (their customer details are not shown)."""
    by_page = {row.id: row.page_id for row in rows if row.page_id is not None}
    if not by_page:
        return set()
    private = set(db.scalars(select(ConnectionPage.id).where(ConnectionPage.id.in_(set(by_page.values())),
                                                             ConnectionPage.privacy_protection.is_(True))))
    return {session_id for session_id, page_id in by_page.items() if page_id in private}


def is_hidden(db: Session, row: SupportSession) -> bool:
    """True when this session's customer PC name, IP and MAC are not shown."""
    return row.id in hidden_sessions(db, [row])


def shown(value: Value | None, hidden: bool) -> Value | None:
    """A customer detail (PC name, IP, MAC) as a history view returns it: None when hidden."""
    return None if hidden else value


def remember_page(db: Session, session_id: str, page_id: int) -> None:
    """Mark the session as coming from the connection page ``page_id``."""
    db.execute(update(SupportSession).where(SupportSession.id == session_id).values(page_id=page_id)
               .execution_options(synchronize_session=False))
