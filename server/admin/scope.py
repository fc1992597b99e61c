"""What each role may see and change (run inside ``Database.call``).

- company admin: everything of their own company;
- group admin: their own group (its users and option policy) and themselves; no company settings, no
  other group, and they create or promote only agents;
- agent: only themselves ("My settings").

Anything outside the caller's company is answered as not found (404), so IDs of other companies leak
nothing; a thing inside it that the role may not touch is 403 ``role_forbidden`` naming the role.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from server.accounts import Caller
from server.errors import NotFoundError, RoleForbiddenError
from server.models import Group, Role, User

ROLE_NAMES = {Role.COMPANY_ADMIN: "a company admin", Role.GROUP_ADMIN: "a group admin", Role.AGENT: "an agent"}
ROLE_MAY = {
    Role.COMPANY_ADMIN: "everything in your company",
    Role.GROUP_ADMIN: "the users and options of your own group",
    Role.AGENT: "only your own settings",
}


def role_of(caller: Caller) -> Role:
    """The caller's role."""
    return Role(caller.agent.role)


def forbidden(caller: Caller, action: str) -> RoleForbiddenError:
    """The refusal for ``action`` (e.g. "change company settings"), naming the role and what it may do."""
    role = role_of(caller)
    return RoleForbiddenError(f"As {ROLE_NAMES[role]} you may not {action}: you may change {ROLE_MAY[role]}.")


def require_role(caller: Caller, action: str, *roles: Role) -> None:
    """Raise ``forbidden`` unless the caller has one of ``roles``."""
    if role_of(caller) not in roles:
        raise forbidden(caller, action)


def group_in_scope(db: Session, caller: Caller, group_id: int, action: str) -> Group:
    """The group, when the caller may ``action`` it: 404 outside the company, 403 for another group."""
    group = db.get(Group, group_id)
    if group is None or group.company_id != caller.company_id:
        raise NotFoundError(f"There is no group {group_id} in your company: list them with GET /api/v1/admin/groups.")
    role = role_of(caller)
    if role is Role.COMPANY_ADMIN or (role is Role.GROUP_ADMIN and caller.group_id == group_id):
        return group
    raise forbidden(caller, action)


def user_in_scope(db: Session, caller: Caller, user_id: int, action: str) -> User:
    """The user, when the caller may ``action`` them: 404 outside the company, 403 outside the role's reach."""
    user = db.get(User, user_id)
    if user is None or user.company_id != caller.company_id:
        raise NotFoundError(f"There is no user {user_id} in your company: list them with GET /api/v1/admin/users.")
    role = role_of(caller)
    if role is Role.COMPANY_ADMIN or user.id == caller.agent.id:
        return user
    if role is Role.GROUP_ADMIN and user.group_id is not None and user.group_id == caller.group_id:
        return user
    raise forbidden(caller, action)


def visible_users(caller: Caller) -> ColumnElement[bool]:
    """A WHERE clause for the users the caller may see (their company; their group; themselves)."""
    role = role_of(caller)
    in_company = User.company_id == caller.company_id
    if role is Role.COMPANY_ADMIN:
        return in_company & true()
    if role is Role.GROUP_ADMIN and caller.group_id is not None:
        return in_company & (User.group_id == caller.group_id)
    return User.id == caller.agent.id


def admin_target(db: Session, caller: Caller, user_id: int, action: str) -> User:
    """A user an admin acts on (password, unlock, delete, ending logins): a company admin anyone of the company,
    a group admin the agents of their group and themselves; 404 outside the company, else 403."""
    require_role(caller, action, Role.COMPANY_ADMIN, Role.GROUP_ADMIN)
    user = user_in_scope(db, caller, user_id, action)
    if role_of(caller) is Role.GROUP_ADMIN and user.id != caller.agent.id and user.role != Role.AGENT.value:
        raise forbidden(caller, f"{action} of a user whose role is {user.role}")
    return user
