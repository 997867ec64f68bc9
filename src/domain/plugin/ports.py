"""What the plugin context needs from the outside."""

from __future__ import annotations

from typing import Any, Protocol

from domain.plugin.invocation import ToolAnswer, ToolTarget


class ToolRunner(Protocol):
    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        """Check the arguments, authorize (for `user_id` when the plugin acts per user) and call.

        Raises ToolArgumentsInvalid, ToolNeedsAuthorization or ToolCallFailed."""
        ...
