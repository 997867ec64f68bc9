"""Key-value adapters: an in-process dict and a NATS KV bucket."""
