"""Chat and rerank model adapters: langchain-core providers and the built-in models."""
