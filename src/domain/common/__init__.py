"""Shared kernel: the few building blocks every context uses (errors, events, ports)."""
