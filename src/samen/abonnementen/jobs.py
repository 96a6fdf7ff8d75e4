"""Background jobs of the subscriptions app (billing runs)."""
