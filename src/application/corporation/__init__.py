"""Use cases of the organisation tree: managers (organization:manage) change it, everyone reads the tree."""
