"""Accounts and browser sessions."""
