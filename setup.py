# The C core is built by CFFI (API mode); everything else is in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["src/evote/_build_native.py:ffibuilder"])
