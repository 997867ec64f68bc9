"""The event bus's own surface: dead letters in the admin console (the bus itself is kernel)."""

from api.admin.events import DeadLettersController
from bootstrap.modules.base import ContextModule, Routes

MODULE = ContextModule(
    name="eventbus",
    routes=Routes(admin=[DeadLettersController]),
    dependencies=lambda c: {"dead_letter_service": c.eventbus.dead_letter_service},
)
