"""File hashes and the record's root hash (specs/record.md, section 2).

    file_hash(path, content) = H("evote/v1/record-file"; path, content)
    root = H("evote/v1/record-root"; u64(n), path_1, file_hash_1, ..., path_n, file_hash_n)

over the covered files sorted by path (bytewise UTF-8), with H the length-prefixed
SHA-512 of evote.hashing truncated to 32 bytes. A file is hashed as a stream, so a
large ballot box never has to be in memory; the bytes hashed are exactly those of
evote.hashing.digest("evote/v1/record-file", path, content).
"""
import hashlib
import os
import stat

from ..hashing import digest, text, u64

_CHUNK = 1 << 20


def _enc_prefix(data_len: int) -> bytes:
    return data_len.to_bytes(8, "big")


def file_hash(root_dir: str, rel_path: str) -> bytes:
    """Hash one record file by streaming it; equals digest(tag, path, content)."""
    full = os.path.join(root_dir, *rel_path.split("/"))
    tag = b"evote/v1/record-file"
    p = rel_path.encode("utf-8")
    h = hashlib.sha512()
    h.update(_enc_prefix(len(tag)) + tag)
    h.update(_enc_prefix(len(p)) + p)
    # non-blocking, and only a regular file: a FIFO would block the open or the read for
    # ever, a link to /dev/zero never end (OSError, as for any unreadable file)
    with os.fdopen(os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{rel_path}: not a regular file (a record holds regular files only)")
        size = st.st_size
        h.update(_enc_prefix(size))
        seen = 0
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            seen += len(chunk)
            h.update(chunk)
    if seen != size:
        raise OSError(f"{rel_path}: file changed while it was being hashed")
    return h.digest()[:32]


def root_hash(file_hashes: dict) -> bytes:
    """The root over {path: file_hash}, paths in bytewise UTF-8 order."""
    fields = [u64(len(file_hashes))]
    for path in sorted(file_hashes, key=lambda s: s.encode("utf-8")):
        fields.append(text(path))
        fields.append(file_hashes[path])
    return digest("evote/v1/record-root", *fields)


def list_covered_files(root_dir: str) -> list:
    """Every regular file under root_dir that the root covers, as '/' paths, sorted."""
    from .layout import is_covered

    out = []
    for dirpath, dirnames, filenames in os.walk(root_dir):
        dirnames.sort()
        for name in filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root_dir).replace(os.sep, "/")
            if is_covered(rel):
                out.append(rel)
    return sorted(out, key=lambda s: s.encode("utf-8"))
