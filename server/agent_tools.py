"""An agent's tools (run inside ``Database.call``): shortcut messages, favorites, consultation categories.

Shortcut messages: ten slots; an agent's own text for a slot wins over the company's, the company's over
the shipped defaults (``resources/defaults/shortcut_messages.json``, Korean and English). Favorites: the
company's (added by admins, read-only to agents) and the agent's own. Both follow the agent's effective
options ``agent_shortcut_messages`` and ``agent_favorites``: off, the list is empty and writes are refused.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import ForbiddenError, NotFoundError
from server.models import Category, Favorite, ShortcutMessage, User
from server.options import options_of

SLOTS = range(1, 11)
LANGUAGES = ("ko", "en")


@dataclasses.dataclass(frozen=True)
class Shortcut:
    """One slot's text and where it comes from: ``own``, ``company`` or ``default``."""

    slot: int
    text: str
    source: str


@dataclasses.dataclass(frozen=True)
class FavoriteItem:
    """A saved URL; ``editable`` is False for the company's (an admin's) favorites."""

    id: int
    title: str
    url: str
    editable: bool


@dataclasses.dataclass(frozen=True)
class CategoryNode:
    """A consultation category and its children, in order."""

    id: int
    name: str
    children: tuple[CategoryNode, ...]


@functools.cache
def default_shortcuts() -> Mapping[str, tuple[str, ...]]:
    """The shipped ten shortcut messages per language."""
    text = resources.files("resources").joinpath("defaults/shortcut_messages.json").read_text("utf-8")
    data = json.loads(text)
    return {language: tuple(data[language]) for language in LANGUAGES}


def _require(db: Session, user: User, key: str, what: str) -> None:
    if options_of(db, user).get(key) is not True:
        raise ForbiddenError(f"{what} are turned off for you by your group's option {key}: "
                             "ask your group admin if you need them.")


def shortcuts(db: Session, user_id: int, language: str) -> list[Shortcut]:
    """The agent's ten shortcut messages (empty when ``agent_shortcut_messages`` is off)."""
    user = db.get_one(User, user_id)
    if options_of(db, user).get("agent_shortcut_messages") is not True:
        return []
    rows = db.scalars(select(ShortcutMessage).where(ShortcutMessage.company_id == user.company_id,
                                                    (ShortcutMessage.user_id == user.id)
                                                    | ShortcutMessage.user_id.is_(None))).all()
    own = {row.slot: row.text for row in rows if row.user_id is not None}
    company = {row.slot: row.text for row in rows if row.user_id is None}
    shipped = default_shortcuts()[language if language in LANGUAGES else "en"]
    return [Shortcut(slot, own[slot], "own") if slot in own
            else Shortcut(slot, company[slot], "company") if slot in company
            else Shortcut(slot, shipped[slot - 1], "default") for slot in SLOTS]


def set_own_shortcuts(db: Session, user_id: int, changes: Mapping[int, str | None], language: str) -> list[Shortcut]:
    """Set (text) or clear (None: back to the company's or default) the agent's own slots; the new list."""
    user = db.get_one(User, user_id)
    _require(db, user, "agent_shortcut_messages", "Shortcut messages")
    for slot, text in changes.items():
        row = db.scalars(select(ShortcutMessage).where(ShortcutMessage.user_id == user.id,
                                                       ShortcutMessage.slot == slot)).one_or_none()
        if text is None:
            if row is not None:
                db.delete(row)
        elif row is None:
            db.add(ShortcutMessage(company_id=user.company_id, user_id=user.id, slot=slot, text=text))
        else:
            row.text = text
    db.flush()
    return shortcuts(db, user_id, language)


def favorites(db: Session, user_id: int) -> list[FavoriteItem]:
    """The company's favorites, then the agent's own (empty when ``agent_favorites`` is off)."""
    user = db.get_one(User, user_id)
    if options_of(db, user).get("agent_favorites") is not True:
        return []
    rows = db.scalars(select(Favorite).where(Favorite.company_id == user.company_id,
                                             (Favorite.user_id == user.id) | Favorite.user_id.is_(None))
                      .order_by(Favorite.user_id.is_not(None), Favorite.id)).all()
    return [FavoriteItem(row.id, row.title, row.url, row.user_id is not None) for row in rows]


def add_favorite(db: Session, user_id: int, title: str, url: str) -> FavoriteItem:
    """Save one of the agent's own favorites."""
    user = db.get_one(User, user_id)
    _require(db, user, "agent_favorites", "Favorites")
    row = Favorite(company_id=user.company_id, user_id=user.id, title=title, url=url)
    db.add(row)
    db.flush()
    return FavoriteItem(row.id, row.title, row.url, True)


def delete_favorite(db: Session, user_id: int, favorite_id: int) -> None:
    """Delete one of the agent's own favorites; the company's are refused (403), others' are not found."""
    user = db.get_one(User, user_id)
    _require(db, user, "agent_favorites", "Favorites")
    row = db.get(Favorite, favorite_id)
    if row is None or row.company_id != user.company_id or row.user_id not in (None, user.id):
        raise NotFoundError(f"There is no favorite {favorite_id} of yours: list them with GET /api/v1/me/favorites.")
    if row.user_id is None:
        raise ForbiddenError(f"Favorite {favorite_id} was added by an administrator for everyone: "
                             "only an administrator can remove it.")
    db.delete(row)


def category_tree(db: Session, company_id: int) -> list[CategoryNode]:
    """The company's consultation categories as a tree (each level ordered by position, then id)."""
    rows = db.scalars(select(Category).where(Category.company_id == company_id)
                      .order_by(Category.position, Category.id)).all()
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def build(parent: int | None, depth: int) -> tuple[CategoryNode, ...]:
        if depth > 32:  # a cycle written straight into the database: stop rather than recurse forever
            return ()
        return tuple(CategoryNode(row.id, row.name, build(row.id, depth + 1)) for row in children.get(parent, []))

    return list(build(None, 0))


def category_ids(nodes: list[CategoryNode] | tuple[CategoryNode, ...]) -> set[int]:
    """Every id in a tree."""
    found: set[int] = set()
    for node in nodes:
        found |= {node.id} | category_ids(node.children)
    return found
