"""Single agents: drafts edited in the SPA, immutable versions published to connectors."""
