"""yibao-compare helpers."""
