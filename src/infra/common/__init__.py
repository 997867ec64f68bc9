"""Small pieces several adapters share."""
