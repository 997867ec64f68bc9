"""System settings: platform-wide key/value configuration with a revision history."""
