"""Event bus adapters (in-process over the database, NATS JetStream), the outbox relay and delivery."""
