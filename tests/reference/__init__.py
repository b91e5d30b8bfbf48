"""Independent oracles for evote's tests (pure Python, slow, never shipped)."""
