"""``ferry-server seed FILE``: a company, its groups and users from a TOML (or JSON) file, for demos and QA.

Rules this module keeps:

1. Everything is checked before anything is written: ``load_plan`` reads and checks the file (no database),
   ``apply_plan`` checks it against the database, then writes, all in one transaction. The first broken
   rule stops it with ``SeedFileError``, one sentence naming the file, the entry and the rule
   (``seed.toml: users[2].phone: digits and '-' only, at most 13 characters (got '02 123')``); nothing is
   written then.
2. Unknown keys are refused (a typo must not be silently ignored). Group options go through
   ``server.policy`` (``GroupPolicy``), passwords through ``server.login_rules.check_password`` at the
   company's level (the stored level when the company already exists).
3. Seeding is additive and never updates: a company, group or user (by login ID) that already exists in
   that company is reported as existing and left as it is, entries that do not exist yet are created.
   Running the same file twice therefore changes nothing the second time. A login ID held by another
   company, a fixed icon number or external group ID held by another user or group is refused.
4. The field rules (login ID, phone, e-mail, icon number, lock minutes) mirror
   ``server/admin/validation.py``'s; they are to be merged into it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.login_rules import PasswordLevel, check_password
from server.models import Company, Group, GroupOption, LicenceKind, Role, User, utcnow
from server.policy import GroupPolicy, PolicyError
from server.security import hash_password

LOGIN_ID = re.compile(r"[A-Za-z0-9._@-]{1,64}")
PHONE = re.compile(r"[0-9-]{1,13}")
EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}")
ICON_RANGE = (1, 9999)
LOCK_MINUTES_RANGE = (1, 1440)
LICENCE_RANGE = (1, 100_000)
COMPANY_KEYS = frozenset({"name", "password_level", "password_lifetime_days", "lock_minutes", "history_months",
                          "two_step_login", "licence_kind", "licence_count"})
GROUP_KEYS = frozenset({"name", "external_id", "states", "values"})
USER_KEYS = frozenset({"login_id", "password", "role", "family_name", "given_name", "name_reading", "nickname",
                       "phone", "mobile", "email", "email_opt_in", "icon_number", "group"})


class SeedFileError(Exception):
    """The seed file breaks a rule; ``str()`` is one sentence naming the file, the entry and the rule."""


class _Entry:
    """One table of the file (``users[2]``): typed reads that raise with the entry's name and the rule."""

    def __init__(self, where: str, data: object, allowed: frozenset[str]) -> None:
        if not isinstance(data, Mapping):
            raise SeedFileError(f"{where}: must be a table of keys and values")
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise SeedFileError(f"{where}.{unknown[0]}: unknown key; allowed keys are {', '.join(sorted(allowed))}")
        self.where, self.data = where, data

    def fail(self, key: str, rule: str) -> SeedFileError:
        return SeedFileError(f"{self.where}.{key}: {rule}")

    def text(self, key: str, max_length: int, *, required: bool = False, pattern: re.Pattern[str] | None = None,
             rule: str = "") -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            raise self.fail(key, f"must be text of 1 to {max_length} characters")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(key, f"{rule} (got {value[:60]!r})")
        return value

    def integer(self, key: str, *, choices: tuple[int, ...] = (), low: int = 0, high: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        wanted = f"one of {', '.join(map(str, choices))}" if choices else f"a whole number from {low} to {high}"
        if isinstance(value, bool) or not isinstance(value, int) or (
                value not in choices if choices else not low <= value <= high):
            raise self.fail(key, f"must be {wanted} (got {value!r})")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(key, default)
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)} (got {value!r})")
        return str(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false (got {value!r})")
        return value


@dataclasses.dataclass(frozen=True)
class CompanySpec:
    """The company and its options as the file gives them."""

    name: str
    password_level: str = PasswordLevel.MEDIUM.value
    password_lifetime_days: int | None = None
    lock_minutes: int | None = None
    history_months: int = 12
    two_step_login: bool = False
    licence_kind: str = LicenceKind.NAMED.value
    licence_count: int | None = None


@dataclasses.dataclass(frozen=True)
class GroupSpec:
    """A group: its name, external ID and option policy (checked by ``server.policy``)."""

    name: str
    external_id: str | None
    policy: GroupPolicy


@dataclasses.dataclass(frozen=True)
class UserSpec:
    """A user as the file gives it; ``where`` is its entry (``users[2]``) for error sentences."""

    where: str
    login_id: str
    password: str
    role: str
    group: str | None
    profile: Mapping[str, object]  # family_name, given_name, …: User columns set as given


@dataclasses.dataclass(frozen=True)
class SeedPlan:
    """A checked seed file."""

    source: str
    company: CompanySpec
    groups: tuple[GroupSpec, ...]
    users: tuple[UserSpec, ...]


@dataclasses.dataclass(frozen=True)
class SeedResult:
    """What seeding did: one line per company, group and user, each ``created`` or ``exists``."""

    lines: tuple[str, ...]
    created: int


def read_file(path: Path) -> object:
    """The file's data: TOML, or JSON for a ``.json`` file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(raw.decode("utf-8"))
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SeedFileError(f"is not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from exc


def load_plan(path: Path) -> SeedPlan:
    """Read and check ``path``; ``SeedFileError`` (prefixed with the file's name) for the first broken rule."""
    try:
        return _plan(str(path), read_file(path))
    except SeedFileError as exc:
        raise SeedFileError(f"{path}: {exc}. Nothing was written.") from exc


def _plan(source: str, data: object) -> SeedPlan:
    top = _Entry("file", data, frozenset({"company", "groups", "users"}))
    company = _company(_Entry("company", top.data.get("company"), COMPANY_KEYS))
    groups = tuple(_group(_Entry(f"groups[{i}]", item, GROUP_KEYS)) for i, item in enumerate(_list(top, "groups")))
    level = PasswordLevel(company.password_level)
    users = tuple(_user(_Entry(f"users[{i}]", item, USER_KEYS), level) for i, item in enumerate(_list(top, "users")))
    _check_unique(groups, users)
    _check_licence(company, users)
    return SeedPlan(source, company, groups, users)


def _list(top: _Entry, key: str) -> list[object]:
    value = top.data.get(key, [])
    if not isinstance(value, list):
        raise top.fail(key, f"must be a list of tables ([[{key}]] in TOML)")
    return value


def _company(entry: _Entry) -> CompanySpec:
    name = entry.text("name", 200, required=True)
    assert name is not None
    return CompanySpec(
        name=name,
        password_level=entry.choice("password_level", tuple(level.value for level in PasswordLevel), "medium"),
        password_lifetime_days=entry.integer("password_lifetime_days", choices=(30, 60, 90)),
        lock_minutes=entry.integer("lock_minutes", low=LOCK_MINUTES_RANGE[0], high=LOCK_MINUTES_RANGE[1]),
        history_months=_or(entry.integer("history_months", choices=(0, 6, 12)), 12),
        two_step_login=entry.flag("two_step_login"),
        licence_kind=entry.choice("licence_kind", tuple(kind.value for kind in LicenceKind), "named"),
        licence_count=entry.integer("licence_count", low=LICENCE_RANGE[0], high=LICENCE_RANGE[1]),
    )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _group(entry: _Entry) -> GroupSpec:
    name = entry.text("name", 200, required=True)
    assert name is not None
    external_id = entry.text("external_id", 64)
    try:
        policy = GroupPolicy.from_json({"states": entry.data.get("states", {}), "values": entry.data.get("values", {})})
    except PolicyError as exc:
        raise SeedFileError(f"{entry.where} options: {str(exc).rstrip('.')}") from exc
    return GroupSpec(name, external_id, policy)


def _user(entry: _Entry, level: PasswordLevel) -> UserSpec:
    login_id = entry.text("login_id", 64, required=True, pattern=LOGIN_ID,
                          rule="letters, digits, '.', '_', '-' and '@' only, 1 to 64 characters")
    password = entry.text("password", 200, required=True)
    assert login_id is not None and password is not None
    broken = check_password(password, level)
    if broken:
        rule = broken[0].message.rstrip(".")
        raise entry.fail("password", f"breaks the company's {level.value} password level: {rule}")
    role = entry.choice("role", tuple(role.value for role in Role), Role.AGENT.value)
    group = entry.text("group", 200)
    if group is None and role != Role.COMPANY_ADMIN.value:
        raise entry.fail("group", f"is required for the role {role} (only a company_admin may have no group)")
    return UserSpec(entry.where, login_id, password, role, group, _profile(entry))


def _profile(entry: _Entry) -> dict[str, object]:
    phone_rule = "digits and '-' only, at most 13 characters"
    return {
        "family_name": entry.text("family_name", 100),
        "given_name": entry.text("given_name", 100),
        "name_reading": entry.text("name_reading", 200),
        "nickname": entry.text("nickname", 100),
        "phone": entry.text("phone", 13, pattern=PHONE, rule=phone_rule),
        "mobile": entry.text("mobile", 13, pattern=PHONE, rule=phone_rule),
        "email": entry.text("email", 254, pattern=EMAIL, rule="must be an e-mail address such as name@example.com"),
        "email_opt_in": entry.flag("email_opt_in"),
        "icon_number": entry.integer("icon_number", low=ICON_RANGE[0], high=ICON_RANGE[1]),
    }


def _check_unique(groups: tuple[GroupSpec, ...], users: tuple[UserSpec, ...]) -> None:
    _first_repeat([g.name for g in groups], "groups", "name")
    _first_repeat([g.external_id for g in groups if g.external_id], "groups", "external_id")
    _first_repeat([u.login_id for u in users], "users", "login_id")
    _first_repeat([u.profile["icon_number"] for u in users if u.profile["icon_number"] is not None],
                  "users", "icon_number")
    names = {g.name for g in groups}
    for user in users:
        if user.group is not None and user.group not in names:
            raise SeedFileError(f"{user.where}.group: names no group of this file ({user.group!r}); "
                                "add it to [[groups]]")


def _first_repeat(values: list[object], table: str, key: str) -> None:
    seen: dict[object, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            raise SeedFileError(f"{table}[{index}].{key}: {value!r} is already used by {table}[{seen[value]}]; "
                                "each must be unique")
        seen[value] = index


def _check_licence(company: CompanySpec, users: tuple[UserSpec, ...]) -> None:
    if company.licence_kind == LicenceKind.NAMED.value and company.licence_count is not None \
            and len(users) > company.licence_count:
        raise SeedFileError(f"company.licence_count: a named licence of {company.licence_count} allows at most "
                            f"{company.licence_count} IDs, and the file has {len(users)} users")


def apply_plan(db: Session, plan: SeedPlan) -> SeedResult:
    """Check ``plan`` against the database, then create what does not exist yet (run in one transaction)."""
    company, lines = _company_row(db, plan.company)
    groups: dict[str, int] = {}
    for group in plan.groups:
        groups[group.name], line = _group_row(db, company, group, plan.source)
        lines.append(line)
    new_users = [spec for spec in plan.users if _existing_user(db, company, spec, plan.source) is None]
    lines += [f"User {spec.login_id}: exists, left as it is" for spec in plan.users if spec not in new_users]
    _check_new_users(db, company, new_users, plan.source)
    for spec in new_users:
        _add_user(db, company, spec, groups)
        lines.append(f"User {spec.login_id} ({spec.role}{', ' + spec.group if spec.group else ''}): created")
    return SeedResult(tuple(lines), sum(line.endswith(": created") for line in lines))


def _company_row(db: Session, spec: CompanySpec) -> tuple[Company, list[str]]:
    row = db.scalars(select(Company).where(Company.name == spec.name)).one_or_none()
    if row is not None:
        return row, [f"Company {spec.name}: exists, left as it is"]
    row = Company(**dataclasses.asdict(spec))
    db.add(row)
    db.flush()
    return row, [f"Company {spec.name}: created"]


def _group_row(db: Session, company: Company, spec: GroupSpec, source: str) -> tuple[int, str]:
    row = db.scalars(select(Group).where(Group.company_id == company.id, Group.name == spec.name)).one_or_none()
    if row is not None:
        return row.id, f"Group {spec.name}: exists, left as it is"
    if spec.external_id is not None and db.scalar(select(Group.id).where(
            Group.company_id == company.id, Group.external_id == spec.external_id)) is not None:
        raise SeedFileError(f"{source}: group {spec.name!r}: external_id {spec.external_id!r} is already used by "
                            "another group of this company; choose another. Nothing was written.")
    row = Group(company_id=company.id, name=spec.name, external_id=spec.external_id)
    db.add(row)
    db.flush()
    policy = spec.policy.to_json()
    for key in sorted(set(policy["states"]) | set(policy["values"])):
        state = policy["states"].get(key)
        db.add(GroupOption(group_id=row.id, key=key, state=None if state is None else str(state),
                           value=policy["values"].get(key)))
    return row.id, f"Group {spec.name}: created"


def _existing_user(db: Session, company: Company, spec: UserSpec, source: str) -> User | None:
    row = db.scalars(select(User).where(User.login_id == spec.login_id)).one_or_none()
    if row is not None and row.company_id != company.id:
        raise SeedFileError(f"{source}: {spec.where}.login_id: {spec.login_id!r} belongs to another company; "
                            "login IDs are unique on the server: choose another. Nothing was written.")
    return row


def _check_new_users(db: Session, company: Company, new_users: list[UserSpec], source: str) -> None:
    level = PasswordLevel(company.password_level)
    for spec in new_users:
        broken = check_password(spec.password, level)
        if broken:
            raise SeedFileError(f"{source}: {spec.where}.password: breaks {company.name}'s {level.value} password "
                                f"level: {broken[0].message} Nothing was written.")
        icon = spec.profile["icon_number"]
        if icon is not None and db.scalar(select(User.id).where(User.company_id == company.id,
                                                                User.icon_number == icon)) is not None:
            raise SeedFileError(f"{source}: {spec.where}.icon_number: {icon} is already another user's in "
                                f"{company.name}; choose another. Nothing was written.")
    held = db.scalar(select(func.count()).select_from(User).where(User.company_id == company.id)) or 0
    if company.licence_kind == LicenceKind.NAMED.value and company.licence_count is not None \
            and held + len(new_users) > company.licence_count:
        raise SeedFileError(f"{source}: users: {company.name}'s named licence allows {company.licence_count} IDs; "
                            f"it has {held} and the file adds {len(new_users)}. Nothing was written.")


def _add_user(db: Session, company: Company, spec: UserSpec, groups: Mapping[str, int]) -> None:
    family, given = spec.profile["family_name"], spec.profile["given_name"]
    name = " ".join(str(part) for part in (family, given) if part) or spec.login_id
    db.add(User(login_id=spec.login_id, name=name, password_hash=hash_password(spec.password),
                company_id=company.id, group_id=groups[spec.group] if spec.group else None, role=spec.role,
                password_changed_at=utcnow(), **spec.profile))
    db.flush()
