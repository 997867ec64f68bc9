"""Workspaces: a personal space per user and team spaces with members and roles."""
