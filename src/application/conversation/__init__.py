"""Use cases of the conversation context."""
