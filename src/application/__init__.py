"""Use cases: permission checks, transactions and orchestration of domain services."""
