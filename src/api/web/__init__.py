"""The SPA's API (/api/...); each context module (bootstrap.modules) mounts its own routes."""
