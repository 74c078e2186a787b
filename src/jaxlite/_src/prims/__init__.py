"""Primitives, one module per family; each primitive's rules live together."""
