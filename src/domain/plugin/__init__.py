"""Plugins: HTTP tools described by OpenAPI documents, MCP servers and local tools."""
