#!/usr/bin/env bash
# Starts a private system-like D-Bus bus for trying ccvmd without installing its bus policy: the
# distribution's default policy (the <policy context="default"> block of
# /usr/share/dbus-1/system.conf: deny by default) plus this repository's systemd/org.ccvm.ccvm1.conf,
# as the real system bus has once the policy is installed. Prints shell commands; use it as
#
#   eval "$(scripts/private-bus.sh)"      # sets DBUS_SYSTEM_BUS_ADDRESS for ccvmd and ccvm
#   ...
#   scripts/private-bus.sh --stop         # stops that bus and removes its directory
#
# Run it as the user who will run ccvmd (root: only root may own org.ccvm.ccvm1).
set -euo pipefail

die() { echo "private-bus.sh: $*" >&2; exit 1; }

if [ "${1:-}" = "--stop" ]; then
  [ -n "${CCVM_PRIVATE_BUS_PID:-}" ] && [ -n "${CCVM_PRIVATE_BUS_DIR:-}" ] ||
    die "CCVM_PRIVATE_BUS_PID and CCVM_PRIVATE_BUS_DIR are not set (run: eval \"\$(scripts/private-bus.sh)\" first)"
  kill "$CCVM_PRIVATE_BUS_PID" 2>/dev/null || true
  rm -rf -- "$CCVM_PRIVATE_BUS_DIR"
  echo "unset DBUS_SYSTEM_BUS_ADDRESS CCVM_PRIVATE_BUS_PID CCVM_PRIVATE_BUS_DIR"
  exit 0
fi
[ $# -eq 0 ] || die "usage: private-bus.sh [--stop]"

here=$(cd "$(dirname "$0")/.." && pwd)
policy=$here/systemd/org.ccvm.ccvm1.conf
stock=/usr/share/dbus-1/system.conf
[ -r "$policy" ] || die "$policy: not readable"
[ -r "$stock" ] || die "$stock: not readable (install the dbus package)"
command -v dbus-daemon >/dev/null || die "dbus-daemon: not found (install the dbus package)"
default_policy=$(sed -n '/<policy context="default">/,/<\/policy>/p' "$stock")
[ -n "$default_policy" ] || die "$stock: no <policy context=\"default\"> block"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ccvm-bus-XXXXXX")
# Other local users reach the socket through this directory (the policy decides what they may call).
chmod 755 "$dir"
mkdir "$dir/system.d"
cp "$policy" "$dir/system.d/"
cat >"$dir/system.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path=$dir/system_bus_socket</listen>
$default_policy
  <includedir>$dir/system.d</includedir>
</busconfig>
CONF
# Only stdout carries the address and PID; dbus-daemon's warnings (e.g. 'Unknown group "ccvm"'
# before the group exists) go to a file and are shown only when it fails.
if ! out=$(dbus-daemon --config-file="$dir/system.conf" --fork --print-address=1 --print-pid=1 --nopidfile \
             2>"$dir/dbus-daemon.err"); then
  err=$(cat "$dir/dbus-daemon.err")
  rm -rf -- "$dir"
  die "dbus-daemon did not start: $err"
fi
grep -q '^unix:' <<<"$out" || { rm -rf -- "$dir"; die "dbus-daemon printed no bus address: $out"; }
address=$(sed -n 1p <<<"$out")
pid=$(sed -n 2p <<<"$out")
echo "export DBUS_SYSTEM_BUS_ADDRESS='$address'"
echo "export CCVM_PRIVATE_BUS_PID=$pid CCVM_PRIVATE_BUS_DIR='$dir'"
