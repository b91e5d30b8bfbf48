#!/usr/bin/env bash
# .ci/c-checks.sh: C-level checks of the evote core (csrc/). Run from anywhere:
#   bash .ci/c-checks.sh
# Steps (each prints one PASS/FAIL line; the script exits non-zero if any step fails):
#   1. gcc -std=c99 -Wall -Wextra -Werror -O2: build and run csrc/tests/test_core.c
#   2. the same with -fsanitize=address,undefined (both field representations)
#   3. the portable field path (-DEVOTE_NO_INT128, radix 2^25.5)
#   4. constant time: valgrind memcheck on csrc/tests/ctgrind.c with secret scalars marked
#      undefined (both field paths); and a self-test that a deliberate secret branch IS
#      reported, so this check can fail
#   5. cross-compiled, static, under qemu-user: aarch64 and 32-bit ARM (armhf has no
#      __int128, so it runs the portable path; the script checks it did)
#   6. clang -Werror (both field paths), when clang is installed
# Missing tools are installed with apt-get when running as root (CI: fresh Debian).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/evote-c-checks.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
FAILED=0
declare -a SUMMARY=()

say() { printf '%s\n' "$*"; }
result() {  # result <name> <status 0|1> [detail]
    if [ "$2" -eq 0 ]; then SUMMARY+=("PASS  $1"); say "PASS  $1";
    else SUMMARY+=("FAIL  $1${3:+ ($3)}"); say "FAIL  $1${3:+ ($3)}"; FAILED=1; fi
}

# ---- tools ----
need_pkgs=()
command -v gcc >/dev/null || need_pkgs+=(gcc libc6-dev)
command -v python3 >/dev/null || need_pkgs+=(python3)
{ command -v valgrind >/dev/null && [ -f /usr/include/valgrind/memcheck.h ]; } || need_pkgs+=(valgrind)
command -v aarch64-linux-gnu-gcc >/dev/null || need_pkgs+=(gcc-aarch64-linux-gnu)
command -v arm-linux-gnueabihf-gcc >/dev/null || need_pkgs+=(gcc-arm-linux-gnueabihf)
{ command -v qemu-aarch64 >/dev/null && command -v qemu-arm >/dev/null; } || need_pkgs+=(qemu-user)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        say "installing: ${need_pkgs[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    else
        say "missing tools (${need_pkgs[*]}) and cannot install them (not root or no apt-get)"
    fi
fi

SRCS=$(ls "$ROOT"/csrc/*.c)
CFLAGS_COMMON="-std=c99 -Wall -Wextra -Werror -I$ROOT/csrc -I$BUILD -DEVOTE_CORE_VERSION=\"c-checks\""
SEED=${EVOTE_TEST_SEED:-$(date +%s)}

# The RFC 9496 vectors as a C header, generated from the JSON in specs/.
if ! python3 "$ROOT/csrc/tools/gen_vectors.py" "$ROOT/specs/vectors/ristretto255-rfc9496.json" \
        "$BUILD/rfc9496_vectors.h"; then
    result "generate RFC 9496 vector header" 1
    exit 1
fi

# build <compiler> <output> <driver.c> <extra flags...>; logs to $BUILD/<output>.log
build() {
    local cc=$1 out=$2 driver=$3; shift 3
    # shellcheck disable=SC2086
    $cc $CFLAGS_COMMON "$@" $SRCS "$driver" -o "$BUILD/$out" >"$BUILD/$out.log" 2>&1
}
# run_test <name> <binary> [runner...]: runs test_core, shows its output on failure
run_test() {
    local name=$1 bin=$2; shift 2
    if "$@" "$BUILD/$bin" "$SEED" 200 >"$BUILD/$bin.out" 2>&1; then
        result "$name: $(grep -m1 'evote core' "$BUILD/$bin.out" | sed 's/.*, \(radix[^,]*\) field.*/\1/')" 0
    else
        cat "$BUILD/$bin.out"; result "$name" 1 "seed $SEED"
    fi
}
build_and_test() {  # build_and_test <name> <cc> <bin> <runner|-> <flags...>
    local name=$1 cc=$2 bin=$3 runner=$4; shift 4
    if ! build "$cc" "$bin" "$ROOT/csrc/tests/test_core.c" "$@"; then
        cat "$BUILD/$bin.log"; result "$name (build)" 1; return
    fi
    if [ "$runner" = "-" ]; then run_test "$name" "$bin"; else run_test "$name" "$bin" $runner; fi
}

say "evote C checks, seed $SEED"

# 1. normal build
build_and_test "1 gcc -O2 -Werror" gcc t_gcc - -O2
# 2. sanitizers
# (the sanitizer builds also shrink evote_msm_vartime's chunk to 64 points, so that the
#  chunked path and its error indices are exercised by the tests' sizes up to 300)
SAN="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DEVOTE_MSM_CHUNK=64"
# shellcheck disable=SC2086
build_and_test "2 gcc ASan+UBSan" gcc t_san - $SAN
# shellcheck disable=SC2086
build_and_test "2 gcc ASan+UBSan, portable field" gcc t_san32 - $SAN -DEVOTE_NO_INT128
# 3. portable path
build_and_test "3 gcc -O2 -DEVOTE_NO_INT128" gcc t_port - -O2 -DEVOTE_NO_INT128
if ! grep -q "radix 2^25.5" "$BUILD/t_port.out" 2>/dev/null; then result "3 portable path selected" 1; fi

# 4. constant time under valgrind
ct_check() {  # ct_check <name> <flags...>
    local name=$1; shift
    if ! build gcc ctgrind "$ROOT/csrc/tests/ctgrind.c" -O2 -g -DEVOTE_CTGRIND "$@"; then
        cat "$BUILD/ctgrind.log"; result "$name (build)" 1; return
    fi
    if valgrind -q --error-exitcode=1 "$BUILD/ctgrind" >"$BUILD/ct.out" 2>&1; then
        result "$name" 0
    else
        head -60 "$BUILD/ct.out"; result "$name" 1 "memcheck reported secret-dependent branches or indices"
    fi
}
if command -v valgrind >/dev/null && [ -f /usr/include/valgrind/memcheck.h ]; then
    ct_check "4 valgrind constant time, radix 2^51"
    ct_check "4 valgrind constant time, radix 2^25.5" -DEVOTE_NO_INT128
    if valgrind -q --error-exitcode=1 "$BUILD/ctgrind" selftest >"$BUILD/ct_self.out" 2>&1; then
        result "4 valgrind self-test (a secret branch must be reported)" 1 "memcheck saw nothing"
    else
        grep -q "uninitialised" "$BUILD/ct_self.out"
        result "4 valgrind self-test (a secret branch must be reported)" $?
    fi
else
    result "4 valgrind constant time" 1 "valgrind or valgrind/memcheck.h missing"
fi

# 4b. the slot range prover (csrc/slot_range.c): constant time with its secrets (bits,
#     s_L, s_R, alpha*H) marked undefined, on both field paths; and the int128 and the
#     portable build give the same hash of every output (csrc/tests/slot_checks.c)
slot_ct() {  # slot_ct <name> <flags...>
    local name=$1; shift
    if ! build gcc slotct "$ROOT/csrc/tests/slot_checks.c" -O2 -g -DEVOTE_CTGRIND "$@"; then
        cat "$BUILD/slotct.log"; result "$name (build)" 1; return
    fi
    if valgrind -q --error-exitcode=1 "$BUILD/slotct" ctgrind >"$BUILD/slotct.out" 2>&1; then
        result "$name" 0
    else
        head -60 "$BUILD/slotct.out"; result "$name" 1 "memcheck reported secret-dependent branches or indices"
    fi
}
if command -v valgrind >/dev/null && [ -f /usr/include/valgrind/memcheck.h ]; then
    slot_ct "4b valgrind constant time, slot range prover, radix 2^51"
    slot_ct "4b valgrind constant time, slot range prover, radix 2^25.5" -DEVOTE_NO_INT128
fi
if build gcc slot64 "$ROOT/csrc/tests/slot_checks.c" -O2 && \
        build gcc slot32 "$ROOT/csrc/tests/slot_checks.c" -O2 -DEVOTE_NO_INT128 && \
        "$BUILD/slot64" paths >"$BUILD/slot64.out" 2>&1 && \
        "$BUILD/slot32" paths >"$BUILD/slot32.out" 2>&1 && \
        [ -s "$BUILD/slot64.out" ] && cmp -s "$BUILD/slot64.out" "$BUILD/slot32.out"; then
    result "4b slot range: int128 and portable paths give the same outputs" 0
else
    cat "$BUILD/slot64.out" "$BUILD/slot32.out" 2>/dev/null | head -20
    result "4b slot range: int128 and portable paths give the same outputs" 1
fi

# 5. ARM under qemu-user
cross() {  # cross <name> <cc> <qemu> <bin> <expected radix text>
    local name=$1 cc=$2 qemu=$3 bin=$4 expect=$5
    if ! command -v "$cc" >/dev/null || ! command -v "$qemu" >/dev/null; then
        result "$name" 1 "$cc or $qemu missing"; return
    fi
    build_and_test "$name" "$cc" "$bin" "$qemu" -O2 -static
    if [ -f "$BUILD/$bin.out" ] && ! grep -q "$expect" "$BUILD/$bin.out"; then
        result "$name uses $expect" 1
    fi
}
cross "5 aarch64 (qemu-aarch64)" aarch64-linux-gnu-gcc qemu-aarch64 t_a64 "radix 2^51"
cross "5 armhf 32-bit (qemu-arm)" arm-linux-gnueabihf-gcc qemu-arm t_arm "radix 2^25.5"

# 6. clang
if command -v clang >/dev/null; then
    build_and_test "6 clang -O2 -Werror" clang t_clang - -O2
    build_and_test "6 clang -O2 -Werror, portable field" clang t_clang32 - -O2 -DEVOTE_NO_INT128
else
    say "SKIP  6 clang (not installed)"
fi

say "---- summary (seed $SEED) ----"
for line in "${SUMMARY[@]}"; do say "$line"; done
if [ "$FAILED" -ne 0 ]; then say "c-checks: FAIL"; exit 1; fi
say "c-checks: PASS"
