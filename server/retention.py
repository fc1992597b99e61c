"""History retention (SPEC "Company options"): keep no history, or 6 or 12 months; older records are purged.

Rules this module keeps:

1. History is the login history (agent and admin logins, ``login_history``) and ended support sessions
   (``sessions`` in state *ended*). A session that is waiting, joined or live is never purged, however old.
2. Each row follows its company's ``history_months``: a login row by its user's company, a session by its
   agent's company. Companies never touch each other's rows.
3. The cut-off is ``now`` minus that many calendar months (31 August minus 6 months is 28 or 29 February);
   a row recorded (or a session ended) strictly before the cut-off goes, one at the cut-off stays.
   0 months: the cut-off is ``now``, so everything recorded before ``now`` goes.
4. A login row with no user (an unknown login ID, or a user since deleted) belongs to no company: it follows
   the strictest retention among all companies (12 months when there are none), so a company that keeps no
   history never finds its users' mistyped IDs kept on its server.
5. ``now`` is passed in; nothing here reads a clock. Run inside ``Database.call`` (one transaction).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime

from sqlalchemy import ColumnElement, Delete, delete, func, select
from sqlalchemy.orm import Session

from server.models import Company, LoginHistory, SessionState, SupportSession, User
from server.pages.reservations import purge_company as purge_pages

DEFAULT_MONTHS = 12
ALLOWED_MONTHS = (0, 6, 12)


@dataclasses.dataclass(frozen=True)
class PurgeReport:
    """How many rows one purge removed, per table."""

    login_history: int = 0
    sessions: int = 0
    reservations: int = 0
    queue_entries: int = 0

    @property
    def total(self) -> int:
        """Rows removed in all."""
        return self.login_history + self.sessions + self.reservations + self.queue_entries

    def __add__(self, other: PurgeReport) -> PurgeReport:
        return PurgeReport(self.login_history + other.login_history, self.sessions + other.sessions,
                           self.reservations + other.reservations, self.queue_entries + other.queue_entries)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` minus ``months`` calendar months, the day clamped to the target month's last day."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def cutoff(now: datetime.datetime, months: int) -> datetime.datetime:
    """The instant before which history goes, for a company keeping ``months`` months (0: ``now``)."""
    if now.tzinfo is None:
        raise ValueError("purge times must be aware (UTC)")
    return months_before(now, max(months, 0))


def purge_history(db: Session, now: datetime.datetime) -> PurgeReport:
    """Delete every history row past its company's retention at ``now``; the counts per table."""
    report = PurgeReport()
    for company_id, months in db.execute(select(Company.id, Company.history_months)).all():
        report += _purge_company(db, company_id, cutoff(now, months))
    strictest = db.scalar(select(func.min(Company.history_months)))
    orphans = _deleted(db, delete(LoginHistory).where(
        LoginHistory.user_id.is_(None), LoginHistory.at < cutoff(now, DEFAULT_MONTHS if strictest is None
                                                                  else strictest)))
    return report + PurgeReport(login_history=orphans)


def _purge_company(db: Session, company_id: int, before: datetime.datetime) -> PurgeReport:
    """One company's login rows and ended sessions older than ``before``."""
    users = select(User.id).where(User.company_id == company_id).scalar_subquery()
    logins = _deleted(db, delete(LoginHistory).where(LoginHistory.user_id.in_(users), LoginHistory.at < before))
    sessions = _deleted(db, delete(SupportSession).where(
        SupportSession.agent_id.in_(users), SupportSession.state == SessionState.ENDED.value,
        _ended_at() < before))
    reservations, entries = purge_pages(db, company_id, before)
    return PurgeReport(login_history=logins, sessions=sessions, reservations=reservations, queue_entries=entries)


def _ended_at() -> ColumnElement[datetime.datetime]:
    """When a session ended; its creation time for an ended row that lacks one (never expected)."""
    return func.coalesce(SupportSession.ended_at, SupportSession.created_at, type_=SupportSession.ended_at.type)


def _deleted(db: Session, statement: Delete) -> int:
    """Run a bulk delete (nothing is loaded in the session, so nothing to synchronise); the rows removed."""
    result = db.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
