"""The real guards for the chain's positions: token auth, session auth (with CSRF), permission."""
