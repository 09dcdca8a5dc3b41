#!/usr/bin/env bash
# Runs the README's daemon demo (the first ```sh block under "## Try the daemon without TEE
# hardware") as written, with ./build/ replaced by the build tree under test and /tmp/ by a private
# directory: a private bus from scripts/private-bus.sh, ccvmd with launch_security: simulated on
# test:///default, create, start (verified launch, paused), inject, status, attest, destroy, remove.
# Exit 77 (a ctest skip) when something it needs is absent.
# Usage: readme_demo.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
ovmf=/usr/share/OVMF/OVMF_CODE_4M.fd
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root: the shipped bus policy lets only root own org.ccvm.ccvm1"
[ -r "$ovmf" ] || skip "$ovmf missing (Debian package ovmf)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (Debian package dbus)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ccvm-demo-XXXXXX")
trap 'pkill -f -- "--config $work/ccvmd.yaml" 2>/dev/null; [ -n "${CCVM_PRIVATE_BUS_PID:-}" ] && kill "$CCVM_PRIVATE_BUS_PID" 2>/dev/null; rm -rf -- "$work"' EXIT

# The block as the README has it; a README without it is a failure, not a skip.
awk '/^## Try the daemon without TEE hardware/ {s=1} s && /^```sh$/ {b=1; next} b && /^```$/ {exit} b {print}' \
  "$src/README.md" >"$work/demo.sh"
[ -s "$work/demo.sh" ] || { echo "FAIL: README.md has no daemon demo block"; exit 1; }
sed -i -e "s|\./build/|$build/|g" -e "s|/tmp/|$work/|g" -e "s|scripts/private-bus.sh|$src/scripts/private-bus.sh|g" "$work/demo.sh"

out=$(cd "$src" && bash -e "$work/demo.sh" 2>&1)
rc=$?
echo "$out"
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -eq 0 ] || fail "the README's demo exited $rc"
grep -q 'running' <<<"$out" || fail "status did not say running"
grep -q 'simulated' <<<"$out" || fail "attest did not name the simulated backend"
echo "README demo: ran as written on a private bus"
