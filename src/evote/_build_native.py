"""CFFI build of evote._native from csrc/ (run by setuptools through cffi_modules).

The package version is stamped into the C core (EVOTE_CORE_VERSION) so that
evote._bindings refuses a stale build at import.
"""
import os
import re
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSRC = os.path.join(ROOT, "csrc")


def _version() -> str:
    text = open(os.path.join(HERE, "_version.py"), encoding="utf-8").read()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def _sources() -> list:
    # Every .c file directly in csrc/ is part of the core; test drivers live in csrc/tests/.
    names = sorted(n for n in os.listdir(CSRC) if n.endswith(".c"))
    return [os.path.relpath(os.path.join(CSRC, n), ROOT) for n in names]


ffibuilder = FFI()
with open(os.path.join(HERE, "_native_cdef.h"), encoding="utf-8") as f:
    ffibuilder.cdef(f.read())

_args = ["-std=c99", "-O2", "-Wall", "-Wextra", '-DEVOTE_CORE_VERSION="%s"' % _version()]
if sys.platform == "win32":  # MSVC does not take gcc flags
    _args = ['/DEVOTE_CORE_VERSION=\\"%s\\"' % _version()]

ffibuilder.set_source(
    "evote._native",
    '#include "evote.h"',
    sources=_sources(),
    include_dirs=[os.path.relpath(CSRC, ROOT)],
    extra_compile_args=_args,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
