"""The SPA's API (/api/...): routes land here context by context."""

ROUTES: list[object] = []
