"""Composition root: settings, dependency-injector containers, the CLI."""
