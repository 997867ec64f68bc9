"""The organisation tree: corporations (group/company/branch), their departments and employees."""
