"""Embedding model adapters: langchain-core providers, feature hashing and a local sentence model."""
