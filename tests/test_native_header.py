"""csrc/evote.h (the C contract) and src/evote/_native_cdef.h (its CFFI copy) declare the
same functions with the same signatures and the same EVOTE_* constants.

Compared: the set of normalized function declarations (whitespace collapsed, comments
removed) of both files, and the constant names.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).parent.parent
HEADER = ROOT / "csrc" / "evote.h"
CDEF = ROOT / "src" / "evote" / "_native_cdef.h"


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _functions(text: str) -> dict:
    text = _strip_comments(text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    decls = {}
    for stmt in text.split(";"):
        stmt = " ".join(stmt.split())
        m = re.fullmatch(r"(?:extern )?([\w\s\*]+?)\s*\b(evote_\w+)\s*\((.*)\)", stmt)
        if m:
            ret, name, params = m.groups()
            params = ",".join(p.strip() for p in params.split(","))
            decls[name] = (" ".join(ret.split()), re.sub(r"\s*\*\s*", " *", params))
    return decls


def _constants(text: str, pattern: str) -> set:
    return set(re.findall(pattern, _strip_comments(text)))


def test_same_functions():
    h = _functions(HEADER.read_text(encoding="utf-8"))
    c = _functions(CDEF.read_text(encoding="utf-8"))
    assert len(h) >= 25, sorted(h)
    assert sorted(h) == sorted(c)
    for name in h:
        assert h[name] == c[name], name


def test_same_constants():
    h = _constants(HEADER.read_text(encoding="utf-8"), r"#define\s+(EVOTE_(?:OK|ERR_\w+))\b")
    c = _constants(CDEF.read_text(encoding="utf-8"), r"static const int\s+(EVOTE_\w+)\s*;")
    assert h and h == c


def test_cdef_has_no_preprocessor_lines():
    for line in CDEF.read_text(encoding="utf-8").splitlines():
        assert not line.lstrip().startswith("#"), line
