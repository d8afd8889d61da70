"""Further CLI commands (filled in as the rules and renderer land)."""
