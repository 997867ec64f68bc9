"""Files users upload for chats and knowledge: names, detected types, limits."""
