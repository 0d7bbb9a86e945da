"""Data extraction: forms from the protocol's fields, validated read-back, one row per study."""
