"""Run stream adapters: an in-process ring buffer and NATS JetStream."""
