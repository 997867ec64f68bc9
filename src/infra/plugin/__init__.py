"""Plugin adapters: reading OpenAPI documents, calling tools."""
