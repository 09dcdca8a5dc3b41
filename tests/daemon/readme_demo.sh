#!/usr/bin/env bash
# The README's daemon demo, command for command, on a private bus started by scripts/private-bus.sh
# (the stock default policy plus the shipped one, as on a Debian system with ccvm installed): ccvmd with
# launch_security: simulated on test:///default; create, start (verified launch, paused), inject a
# secret, status (running, attestation ok). Exit 77 (a ctest skip) when something it needs is absent.
# Usage: readme_demo.sh SOURCE_DIR CCVMD CCVM
set -uo pipefail
src=$1 ccvmd=$2 ccvm=$3
ovmf=/usr/share/OVMF/OVMF_CODE_4M.fd
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root: the shipped bus policy lets only root own org.ccvm.ccvm1"
[ -r "$ovmf" ] || skip "$ovmf missing (Debian package ovmf)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (Debian package dbus)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ccvm-demo-XXXXXX")
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "${CCVM_PRIVATE_BUS_PID:-}" ] && eval "$("$src/scripts/private-bus.sh" --stop)"
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- ccvmd log"; cat "$work/ccvmd.log"; exit 1; }

eval "$("$src/scripts/private-bus.sh")" || fail "scripts/private-bus.sh did not start a bus"
[ -n "${DBUS_SYSTEM_BUS_ADDRESS:-}" ] || fail "scripts/private-bus.sh printed no DBUS_SYSTEM_BUS_ADDRESS"

printf 'libvirt_uri: test:///default\nstate_dir: %s/state\nlaunch_security: simulated\n' "$work" >"$work/ccvmd.yaml"
"$ccvmd" --config "$work/ccvmd.yaml" >"$work/ccvmd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do "$ccvm" list >/dev/null 2>&1 && break; sleep 0.1; done
"$ccvm" list >/dev/null 2>&1 || fail "ccvmd did not come up on the private bus"

head -c 32 /dev/urandom >"$work/disk.key" && chmod 600 "$work/disk.key"
cat >"$work/sev.yaml" <<YAML
name: demo
tee: {type: sev, policy: 0x1}
memory: 512M
firmware: $ovmf
libvirt: {domain-type: test}
YAML
out=$("$ccvm" create "$work/sev.yaml" 2>&1) || fail "ccvm create: $out"
out=$("$ccvm" start demo 2>&1) || fail "ccvm start: $out"
state=$("$ccvm" status demo --json 2>&1)
grep -q '"state": *"paused"' <<<"$state" || fail "after start, want state paused: $state"
out=$("$ccvm" inject demo --guid 736869e5-84f0-4973-92ec-06879ce3da0b --file "$work/disk.key" 2>&1) ||
  fail "ccvm inject: $out"
state=$("$ccvm" status demo --json 2>&1)
grep -q '"state": *"running"' <<<"$state" || fail "after inject, want state running: $state"
grep -q '"verdict": *"ok"' <<<"$state" || fail "want attestation verdict ok: $state"
grep -q '"backend": *"simulated"' <<<"$state" || fail "want attestation backend simulated: $state"
grep -q "LAUNCH_SECRET accepted" "$work/ccvmd.log" || fail "ccvmd did not log the accepted LAUNCH_SECRET"
"$ccvm" status demo
echo "demo: create, start (paused), inject, status (running, attestation ok) on the private bus"
