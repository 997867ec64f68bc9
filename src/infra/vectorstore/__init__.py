"""Vector store adapters (pymilvus: milvus-lite embedded or a Milvus server)."""
