"""Personal access tokens for the Coze-compatible token API."""
