"""Password hashing, keyed secret hashing and the server secret."""
