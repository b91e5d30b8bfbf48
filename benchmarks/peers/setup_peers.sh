#!/bin/sh
# Installs the live anchors the peer benchmarks time; nothing installed here is committed.
#   sh benchmarks/peers/setup_peers.sh            (as root; about 2 minutes)
# - ElectionGuard 1.4.0 from PyPI in its own Python 3.10 venv (it needs Python < 3.11 and
#   gmpy2), at $EG_VENV (default /tmp/evote-peers/eg-venv);
# - Belenios 2.0 through Debian's belenios-tool package;
# - libsodium (the system library, opened with cffi for the group rows).
set -eu
EG_VENV="${EG_VENV:-/tmp/evote-peers/eg-venv}"
PY310="${PY310:-/root/.pyenv/versions/3.10.13/bin/python3.10}"
if [ ! -x "$EG_VENV/bin/python" ]; then
    mkdir -p "$(dirname "$EG_VENV")"
    "$PY310" -m venv "$EG_VENV"
fi
"$EG_VENV/bin/python" -m pip install -q --disable-pip-version-check "electionguard==1.4.0" gmpy2 hypothesis  # hypothesis: electionguard_tools imports it
"$EG_VENV/bin/python" -c "import electionguard, gmpy2; print('electionguard ok, gmpy2', gmpy2.version())"
if ! command -v belenios-tool >/dev/null 2>&1 || ! ldconfig -p | grep -q 'libsodium\.so'; then
    apt-get install -y -q belenios-tool libsodium23 >/dev/null
fi
belenios-tool --version 2>/dev/null || belenios-tool --help | head -1
ldconfig -p | grep 'libsodium\.so' | head -1
