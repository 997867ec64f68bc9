"""NATS JetStream: the shared connection used by the event bus, run streams and key-value adapters."""
