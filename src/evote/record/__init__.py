"""The published election record: a directory in the formats of specs/record.md."""
