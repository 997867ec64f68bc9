"""Use cases of the organisation tree: managing it is for super admins, reading the tree for everyone."""
