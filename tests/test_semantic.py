"""Tests that catch semantic mistakes (issue 29): each one fails for a named class of wrong logic."""
