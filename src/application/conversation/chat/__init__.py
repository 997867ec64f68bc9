"""The chat run engine: starting chats, generating answers detached from requests, reading them back."""
