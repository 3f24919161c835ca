"""The owner's side: login, and every conversation to review."""
