"""The admin directory: company options and logo, groups, group option policies, users (inside ``Database.call``).

Rules this module keeps:
- Who may do what is ``server.admin.scope``'s: company admin everything in the company; group admin the
  users and options of their own group (creating and keeping only agents there); agent only their own
  profile fields (``SELF_FIELDS``). Outside the company is 404, inside but out of reach 403.
- Uniqueness (login ID everywhere; group name, external ID and icon number per company; login page URL
  among companies) is checked first for a sentence naming the field, and a race the check missed is
  still a 409 naming it (``_conflict``), never a 500.
- A named licence counts every ID of the company: creating one more than ``licence_count`` is refused.
- Changes that end a user's logins (role or group changed, user deleted) revoke the tokens here, in the
  same transaction, and return their digests; the route tells the push sockets after the commit.
- Returned values are the API's response models, built inside the transaction (no ORM object leaves).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.accounts import Caller, force_logout, lockout_policy
from server.admin.schemas import (
    CompanyOut,
    GroupOptionEntry,
    GroupOptionOut,
    GroupOut,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
)
from server.admin.scope import (
    admin_target,
    forbidden,
    group_in_scope,
    require_role,
    role_of,
    user_in_scope,
    visible_users,
)
from server.admin.validation import display_name
from server.errors import (
    BadRequestError,
    ConflictError,
    LicenceFullError,
    NotFoundError,
    OptionInvalidError,
    PasswordRulesError,
)
from server.login_rules import LockoutState, PasswordLevel, check_password, is_locked, reset_lock
from server.models import Company, Group, GroupOption, LicenceKind, Role, User, utcnow
from server.options import group_policy
from server.policy import OPTIONS, GroupPolicy, PolicyError, get_option
from server.policy.model import to_json_value
from server.security import hash_password

SELF_FIELDS = frozenset({"nickname", "phone", "mobile", "email", "email_opt_in", "name_reading"})
"""What an agent may change in their own profile ("My settings")."""
ADMIN_ONLY_FIELDS = frozenset({"role", "group_id", "icon_number", "expires_at"})
"""What a group admin may not change on themselves (a company admin decides it)."""
UNIQUE_FIELDS = ("login_page_url", "login_id", "icon_number", "external_id", "name")
ROLE_CHANGED = "Your role was changed by an administrator: log in again."
GROUP_CHANGED = "You were moved to another group by an administrator: log in again."
DELETED = "Your account was deleted by an administrator."


@dataclasses.dataclass(frozen=True)
class Ended:
    """Logins a change ended: the user, their tokens' digests and why (to tell the push sockets)."""

    user_id: int
    tokens: tuple[str, ...] = ()
    reason: str = ""


def _conflict(exc: IntegrityError) -> ConflictError:
    """A 409 naming the unique field a racing write took first (the database's message names it)."""
    text = str(exc.orig)
    field = next((name for name in UNIQUE_FIELDS if name in text), None)
    if field is None:
        return ConflictError("Something this change refers to was changed at the same moment: try again.")
    return ConflictError(f"That {field} was taken at the same moment by another change: choose another.")


def _flush(db: Session) -> None:
    try:
        db.flush()
    except IntegrityError as exc:
        raise _conflict(exc) from exc


def _taken(field: str, value: object, where: str = "in your company") -> ConflictError:
    return ConflictError(f"{field} {value!r} is already taken {where}: choose another.")


# --- company ---------------------------------------------------------------------------------------------

def _company_out(db: Session, company: Company) -> CompanyOut:
    users = db.scalar(select(func.count()).select_from(User).where(User.company_id == company.id)) or 0
    return CompanyOut(
        id=company.id, name=company.name, password_level=company.password_level,  # type: ignore[arg-type]
        password_lifetime_days=company.password_lifetime_days, lock_minutes=company.lock_minutes,
        history_months=company.history_months, two_step_login=company.two_step_login,
        login_page_url=company.login_page_url, logo_type=company.logo_type,
        licence_kind=company.licence_kind, licence_count=company.licence_count,  # type: ignore[arg-type]
        user_count=users)


def get_company(db: Session, caller: Caller) -> CompanyOut:
    """The caller's company and its options (every role may read them)."""
    return _company_out(db, db.get_one(Company, caller.company_id))


def update_company(db: Session, caller: Caller, changes: Mapping[str, object]) -> CompanyOut:
    """Change company options (company admin only); a login page URL another company uses is 409."""
    require_role(caller, "change company settings", Role.COMPANY_ADMIN)
    company = db.get_one(Company, caller.company_id)
    url = changes.get("login_page_url")
    if url is not None and db.scalar(select(Company.id).where(Company.login_page_url == url,
                                                              Company.id != company.id)) is not None:
        raise _taken("login_page_url", url, "by another company")
    for field, value in changes.items():
        setattr(company, field, value)
    _flush(db)
    return _company_out(db, company)


def set_logo(db: Session, caller: Caller, data: bytes, media_type: str) -> CompanyOut:
    """Store the company's logo (already checked by ``validation.logo_type``); company admin only."""
    require_role(caller, "change the company logo", Role.COMPANY_ADMIN)
    company = db.get_one(Company, caller.company_id)
    company.logo, company.logo_type = data, media_type
    return _company_out(db, company)


def get_logo(db: Session, caller: Caller) -> tuple[bytes, str]:
    """The company's logo and its media type; 404 when there is none."""
    company = db.get_one(Company, caller.company_id)
    if company.logo is None or company.logo_type is None:
        raise NotFoundError("Your company has no logo: upload one with PUT /api/v1/admin/company/logo.")
    return company.logo, company.logo_type


def delete_logo(db: Session, caller: Caller) -> None:
    """Remove the company's logo (company admin only; removing none is fine)."""
    require_role(caller, "change the company logo", Role.COMPANY_ADMIN)
    company = db.get_one(Company, caller.company_id)
    company.logo, company.logo_type = None, None


# --- groups ----------------------------------------------------------------------------------------------

def _group_out(db: Session, group: Group) -> GroupOut:
    users = db.scalar(select(func.count()).select_from(User).where(User.group_id == group.id)) or 0
    return GroupOut(id=group.id, name=group.name, external_id=group.external_id, user_count=users)


def list_groups(db: Session, caller: Caller) -> list[GroupOut]:
    """Every group of the company for a company admin; the caller's own group for anyone else."""
    query = select(Group).where(Group.company_id == caller.company_id).order_by(Group.id)
    if role_of(caller) is not Role.COMPANY_ADMIN:
        query = query.where(Group.id == caller.group_id)
    return [_group_out(db, group) for group in db.scalars(query)]


def get_group(db: Session, caller: Caller, group_id: int) -> GroupOut:
    """One group: any group for a company admin, their own for a group admin or agent (read-only)."""
    if role_of(caller) is Role.AGENT and group_id == caller.group_id:
        return _group_out(db, db.get_one(Group, group_id))
    return _group_out(db, group_in_scope(db, caller, group_id, "see another group"))


def _check_group_unique(db: Session, company_id: int, group_id: int | None, field: str, value: object) -> None:
    column = Group.name if field == "name" else Group.external_id
    query = select(Group.id).where(Group.company_id == company_id, column == value)
    if group_id is not None:
        query = query.where(Group.id != group_id)
    if value is not None and db.scalar(query) is not None:
        raise _taken(f"group {field}", value)


def create_group(db: Session, caller: Caller, name: str, external_id: str | None) -> GroupOut:
    """A new group (company admin only); a name or external ID the company already uses is 409."""
    require_role(caller, "create groups", Role.COMPANY_ADMIN)
    _check_group_unique(db, caller.company_id, None, "name", name)
    _check_group_unique(db, caller.company_id, None, "external_id", external_id)
    group = Group(company_id=caller.company_id, name=name, external_id=external_id)
    db.add(group)
    _flush(db)
    return _group_out(db, group)


def update_group(db: Session, caller: Caller, group_id: int, changes: Mapping[str, object]) -> GroupOut:
    """Rename a group or change its external ID (company admin only)."""
    require_role(caller, "rename groups", Role.COMPANY_ADMIN)
    group = group_in_scope(db, caller, group_id, "rename groups")
    for field, value in changes.items():
        _check_group_unique(db, caller.company_id, group.id, field, value)
        setattr(group, field, value)
    _flush(db)
    return _group_out(db, group)


def delete_group(db: Session, caller: Caller, group_id: int) -> None:
    """Delete an empty group (company admin only); one that still has users is 409."""
    require_role(caller, "delete groups", Role.COMPANY_ADMIN)
    group = group_in_scope(db, caller, group_id, "delete groups")
    users = db.scalar(select(func.count()).select_from(User).where(User.group_id == group.id)) or 0
    if users:
        raise ConflictError(f"Group {group.name!r} still has {users} user(s): move them to another group or "
                            "delete them first, then delete the group.")
    db.delete(group)
    _flush(db)


def _options_out(policy: GroupPolicy) -> dict[str, GroupOptionOut]:
    return {
        option.key: GroupOptionOut(
            state=None if option.part_of else policy.state_of(option.key).value,
            value=to_json_value(policy.values[option.key]) if option.key in policy.values else None,
            effective_state=policy.state_of(option.key).value, default=to_json_value(option.default),
            group_only=option.group_only, part_of=option.part_of)
        for option in OPTIONS
    }


def get_group_options(db: Session, caller: Caller, group_id: int) -> dict[str, GroupOptionOut]:
    """The group's state and value for every catalogue key (company admin; group admin of that group)."""
    group_in_scope(db, caller, group_id, "see the option policy of a group")
    return _options_out(group_policy(db, group_id))


def _policy_from(entries: Mapping[str, GroupOptionEntry]) -> GroupPolicy:
    """The policy a PUT body describes, checked by the policy engine; 422 ``option_invalid`` naming the key."""
    try:
        for key in entries:  # a key with neither state nor value is still checked
            get_option(key)
        return GroupPolicy.from_json({
            "states": {key: entry.state for key, entry in entries.items() if entry.state is not None},
            "values": {key: entry.value for key, entry in entries.items() if entry.value is not None},
        })
    except PolicyError as exc:
        raise OptionInvalidError(f"Group options not changed: {str(exc).rstrip('.')}.") from exc


def set_group_options(db: Session, caller: Caller, group_id: int,
                      entries: Mapping[str, GroupOptionEntry]) -> tuple[dict[str, GroupOptionOut], list[int]]:
    """Replace the group's whole policy (keys left out take the catalogue's defaults); the new policy and
    the group's user ids (to push their new options)."""
    group_in_scope(db, caller, group_id, "change the option policy of a group")
    policy = _policy_from(entries)
    for row in db.scalars(select(GroupOption).where(GroupOption.group_id == group_id)):
        db.delete(row)
    db.flush()
    for key in sorted(set(policy.states) | set(policy.values)):
        state = policy.states.get(key)
        value = policy.values.get(key)
        db.add(GroupOption(group_id=group_id, key=key, state=state.value if state else None,
                           value=None if value is None else to_json_value(value)))
    _flush(db)
    user_ids = list(db.scalars(select(User.id).where(User.group_id == group_id)))
    return _options_out(policy), user_ids


# --- users -----------------------------------------------------------------------------------------------

def _user_out(db: Session, user: User) -> UserOut:
    company = db.get_one(Company, user.company_id)
    locked = is_locked(LockoutState(user.failed_logins, user.locked_at), utcnow(), lockout_policy(company)).locked
    return UserOut(
        id=user.id, login_id=user.login_id, role=user.role, name=user.name,  # type: ignore[arg-type]
        family_name=user.family_name, given_name=user.given_name, name_reading=user.name_reading,
        nickname=user.nickname, phone=user.phone, mobile=user.mobile, email=user.email,
        email_opt_in=user.email_opt_in, icon_number=user.icon_number, group_id=user.group_id,
        expires_at=user.expires_at, created_at=user.created_at, password_changed_at=user.password_changed_at,
        locked=locked)


def list_users(db: Session, caller: Caller, group_id: int | None, limit: int, offset: int) -> UserPage:
    """A page of the users the caller may see (optionally of one group), ordered by id."""
    where = visible_users(caller)
    if group_id is not None:
        if role_of(caller) is Role.AGENT:
            if group_id != caller.group_id:
                raise forbidden(caller, "list the users of a group")
        else:
            group_in_scope(db, caller, group_id, "list the users of another group")
        where = where & (User.group_id == group_id)
    total = db.scalar(select(func.count()).select_from(User).where(where)) or 0
    rows = db.scalars(select(User).where(where).order_by(User.id).limit(limit).offset(offset))
    return UserPage(items=[_user_out(db, user) for user in rows], total=total, limit=limit, offset=offset)


def get_user(db: Session, caller: Caller, user_id: int) -> UserOut:
    """One user the caller may see."""
    return _user_out(db, user_in_scope(db, caller, user_id, "see other users"))


def _check_password(db: Session, company_id: int, password: str) -> None:
    level = PasswordLevel(db.get_one(Company, company_id).password_level)
    violations = check_password(password, level)
    if violations:
        raise PasswordRulesError(f"The password breaks these rules of the company's {level.value} level: "
                                 + " ".join(v.message for v in violations))


def _check_group_field(db: Session, caller: Caller, group_id: int | None) -> None:
    """A group_id in a body: in the company, and the caller's own group unless a company admin."""
    if group_id is None:
        return
    group = db.get(Group, group_id)
    if group is None or group.company_id != caller.company_id:
        raise NotFoundError(f"group_id {group_id}: there is no such group in your company; "
                            "list them with GET /api/v1/admin/groups.")
    if role_of(caller) is not Role.COMPANY_ADMIN and group_id != caller.group_id:
        raise forbidden(caller, "put users in another group")


def _check_unique_user(db: Session, company_id: int, user_id: int | None, fields: Mapping[str, object]) -> None:
    login_id = fields.get("login_id")
    if login_id is not None and db.scalar(select(User.id).where(User.login_id == login_id)) is not None:
        raise _taken("login_id", login_id, "(IDs are unique on this server)")
    icon = fields.get("icon_number")
    query = select(User.id).where(User.company_id == company_id, User.icon_number == icon)
    if user_id is not None:
        query = query.where(User.id != user_id)
    if icon is not None and db.scalar(query) is not None:
        raise _taken("icon_number", icon)


def _check_licence(db: Session, company_id: int) -> None:
    company = db.scalars(select(Company).where(Company.id == company_id).with_for_update()).one()
    if company.licence_kind != LicenceKind.NAMED.value or company.licence_count is None:
        return
    ids = db.scalar(select(func.count()).select_from(User).where(User.company_id == company_id)) or 0
    if ids >= company.licence_count:
        raise LicenceFullError(f"All {company.licence_count} named licences of {company.name} are used by "
                               f"{ids} IDs: delete an ID you no longer need, or ask the server operator for "
                               "more licences.")


def create_user(db: Session, caller: Caller, body: UserCreate) -> UserOut:
    """A new user; a group admin creates only agents of their own group (put there when no group is given)."""
    require_role(caller, "create users", Role.COMPANY_ADMIN, Role.GROUP_ADMIN)
    fields = body.model_dump(exclude={"password", "name"})
    if role_of(caller) is Role.GROUP_ADMIN:
        if body.role != Role.AGENT.value:
            raise forbidden(caller, f"create a user with the role {body.role}")
        if caller.group_id is None:
            raise forbidden(caller, "create users while you belong to no group")
        fields["group_id"] = caller.group_id if body.group_id is None else body.group_id
    _check_group_field(db, caller, fields["group_id"])
    _check_unique_user(db, caller.company_id, None, fields)
    _check_password(db, caller.company_id, body.password)
    _check_licence(db, caller.company_id)
    fields["email_opt_in"] = bool(body.email_opt_in)
    name = body.name or display_name(body.family_name, body.given_name, body.login_id)
    user = User(**fields, name=name, company_id=caller.company_id, password_hash=hash_password(body.password),
                password_changed_at=utcnow())
    db.add(user)
    _flush(db)
    return _user_out(db, user)


def _check_update_rights(caller: Caller, user: User, names: set[str], changes: Mapping[str, object]) -> None:
    role = role_of(caller)
    myself = user.id == caller.agent.id
    if role is Role.AGENT and names - SELF_FIELDS:
        raise forbidden(caller, "change " + ", ".join(sorted(names - SELF_FIELDS)))
    if role is Role.GROUP_ADMIN:
        if myself and names & ADMIN_ONLY_FIELDS:
            raise forbidden(caller, "change your own " + ", ".join(sorted(names & ADMIN_ONLY_FIELDS)))
        if not myself and user.role != Role.AGENT.value:
            raise forbidden(caller, f"change a user whose role is {user.role}")
        if changes.get("role", Role.AGENT.value) != Role.AGENT.value:
            raise forbidden(caller, f"give the role {changes['role']}")
        if changes.get("group_id", caller.group_id) != caller.group_id:
            raise forbidden(caller, "move users out of your group")
    if role is Role.COMPANY_ADMIN and myself and changes.get("role", user.role) != user.role:
        raise BadRequestError("You may not change your own role: ask another company admin to do it.")


def update_user(db: Session, caller: Caller, user_id: int, body: UserUpdate) -> tuple[UserOut, Ended]:
    """Change a user's fields within the caller's rights; a changed role or group ends their agent logins."""
    user = user_in_scope(db, caller, user_id, "change other users")
    changes = body.model_dump(include=body.model_fields_set)
    _check_update_rights(caller, user, set(changes), changes)
    if "group_id" in changes:
        _check_group_field(db, caller, changes["group_id"])
    _check_unique_user(db, caller.company_id, user.id, changes)
    if changes.get("name", "") is None or ("name" not in changes and {"family_name", "given_name"} & set(changes)):
        changes["name"] = display_name(changes.get("family_name", user.family_name),
                                       changes.get("given_name", user.given_name), user.login_id)
    reason = (ROLE_CHANGED if changes.get("role", user.role) != user.role
              else GROUP_CHANGED if changes.get("group_id", user.group_id) != user.group_id else "")
    for field, value in changes.items():
        setattr(user, field, value)
    _flush(db)
    ended = force_logout(db, user.id, reason) if reason else ()
    return _user_out(db, user), Ended(user.id, ended, reason)


def check_delete(db: Session, caller: Caller, user_id: int) -> User:
    """The user the caller may delete: nobody deletes themselves, a group admin only agents of the group."""
    require_role(caller, "delete users", Role.COMPANY_ADMIN, Role.GROUP_ADMIN)
    user = user_in_scope(db, caller, user_id, "delete users")
    if user.id == caller.agent.id:
        raise BadRequestError("You may not delete your own account: ask another administrator to do it.")
    if role_of(caller) is Role.GROUP_ADMIN and user.role != Role.AGENT.value:
        raise forbidden(caller, f"delete a user whose role is {user.role}")
    return user


def delete_user(db: Session, caller: Caller, user_id: int) -> Ended:
    """Delete a user (their logins end); the rules of ``check_delete``."""
    user = check_delete(db, caller, user_id)
    ended = force_logout(db, user.id, DELETED)
    db.delete(user)
    _flush(db)
    return Ended(user_id, ended, DELETED)


def set_password(db: Session, caller: Caller, user_id: int, password: str) -> UserOut:
    """An admin sets a user's password by the company's rules; it counts as changed now and unlocks."""
    user = admin_target(db, caller, user_id, "set the password")
    _check_password(db, user.company_id, password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    state = reset_lock()
    user.failed_logins, user.locked_at = state.failures, state.locked_at
    return _user_out(db, user)


def unlock_user(db: Session, caller: Caller, user_id: int) -> UserOut:
    """Reset the lock after wrong passwords (company admin; group admin for agents of the group)."""
    user = admin_target(db, caller, user_id, "unlock accounts")
    state = reset_lock()
    user.failed_logins, user.locked_at = state.failures, state.locked_at
    return _user_out(db, user)
