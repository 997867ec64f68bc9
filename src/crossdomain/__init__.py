"""Narrow contracts one context offers another: Protocols and small DTOs, implemented by the owner."""
