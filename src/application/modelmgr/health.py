"""The /readyz entry of the LLM runtime: is there a usable default chat model, and of which provider.

It reads the model table (through the runtime's short cache) and never calls a provider: readiness
probes run often, and a paid model must not be billed for them. `test connection` does that.
"""

from __future__ import annotations

from application.modelmgr.runtime import ModelRuntimeService
from domain.common.llm import NoDefaultModel
from domain.modelmgr.values import ModelKind


class ModelsHealth:
    name = "llm"

    def __init__(self, runtime: ModelRuntimeService) -> None:
        self._runtime = runtime
        self._adapter = "model table"

    @property
    def adapter(self) -> str:
        return self._adapter

    async def check(self) -> tuple[bool, str]:
        try:
            model = await self._runtime.instance(None, ModelKind.LLM)
        except NoDefaultModel:
            # Not a broken dependency: everything but default-model chats works; an admin picks one.
            self._adapter = "none"
            return True, "no default chat model configured"
        except Exception as exc:  # a health check reports, it never raises
            return False, f"the default chat model is unusable ({type(exc).__name__})"
        self._adapter = model.provider
        return True, f"default chat model {model.name}"
