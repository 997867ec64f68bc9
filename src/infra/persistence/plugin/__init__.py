"""Tables and repositories of the plugin context."""
