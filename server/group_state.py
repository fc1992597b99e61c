"""The three states a group gives each option (SPEC.md, "Option policy")."""

from __future__ import annotations

import enum


class GroupState(enum.StrEnum):
    """How a group decides one option for its agents (전체 사용 / 사용 안함 / 사용자 설정)."""

    ALL_USE = "all_use"
    NOT_USED = "not_used"
    USER_SETTING = "user_setting"

    @property
    def label(self) -> str:
        """The state as the admin page says it: 'all use', 'not used', 'user setting'."""
        return self.value.replace("_", " ")
