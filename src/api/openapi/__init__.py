"""Coze-compatible token API (/v1, /v3, /open_api); each context module (bootstrap.modules) mounts its own."""
