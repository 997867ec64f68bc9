"""Admin console API: /api/admin/..."""
