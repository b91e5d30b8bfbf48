"""The record verifier behind `evote verify` (checks numbered as in specs/record.md)."""
