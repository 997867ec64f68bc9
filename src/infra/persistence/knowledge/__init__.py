"""Knowledge tables and repositories."""
