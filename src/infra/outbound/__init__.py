"""The SSRF-guarded outbound HTTP client (DESIGN.md §6, ADR 0042)."""
