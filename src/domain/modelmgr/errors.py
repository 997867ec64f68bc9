from __future__ import annotations

from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.common.llm import ModelError


class ModelNotFound(NotFound):
    message_key = "model.not_found"


class UnknownProvider(InvalidInput):
    message_key = "model.unknown_provider"


class ApiKeyRequired(InvalidInput):
    message_key = "model.api_key_required"


class InvalidModelConfig(InvalidInput):
    """`reason` names the field and what is wrong with it; never a secret."""

    message_key = "model.invalid_config"


class KindNotOffered(InvalidInput):
    message_key = "model.kind_not_offered"


class DefaultModelInUse(Conflict):
    """The default model of a kind cannot be deleted or disabled until another one is the default."""

    message_key = "model.default_in_use"


class ModelDisabled(ModelError):
    message_key = "model.disabled"


class SecretUnreadable(ModelError):
    """A stored API key was sealed with a key this server no longer has (see key rotation)."""

    message_key = "model.secret_unreadable"
