"""Prompt templates: the sandboxed persona renderer."""
