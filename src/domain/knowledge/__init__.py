"""Knowledge bases: datasets of documents, their slices, and retrieval over them."""
