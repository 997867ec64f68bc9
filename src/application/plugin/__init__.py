"""The plugin context's services: the registry and the calls agents make to tools."""
