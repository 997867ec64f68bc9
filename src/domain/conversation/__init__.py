"""Conversations, their sections, the message tree and chat runs."""
