"""Durability helpers shared by every layer that writes files it must not lose."""
import os


def fsync_directory(path) -> None:
    """fsync a directory so a file created or renamed in it survives a power cut.
    Raises OSError (the caller decides what a failure means for its file)."""
    fd = os.open(path or ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
