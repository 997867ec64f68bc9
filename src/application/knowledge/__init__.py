"""Knowledge use cases: datasets, documents, slices, indexing jobs and retrieval."""
