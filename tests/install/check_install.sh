#!/usr/bin/env bash
# `cmake --install BUILD --prefix /usr/local` into a DESTDIR, then checks that every file lands where a
# Debian system reads it: binaries and manual pages under the prefix; the systemd unit, D-Bus policy and
# activation file, sysusers.d and tmpfiles.d under /usr whatever the prefix; the default configuration
# at the path ccvmd reads without --config. Usage: check_install.sh BUILD_DIR CMAKE_COMMAND
set -euo pipefail
build=$1
cmake_cmd=${2:-cmake}
prefix=/usr/local
dest=$(mktemp -d "${TMPDIR:-/tmp}/ccvm-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT

DESTDIR=$dest "$cmake_cmd" --install "$build" --prefix "$prefix" >"$dest.log" 2>&1 || {
  cat "$dest.log"; rm -f "$dest.log"; echo "cmake --install failed"; exit 1; }
rm -f "$dest.log"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Every file installed, with its mode; man/ may hold more pages than the two checked here, and
# share/doc/ccvm documentation (the example specs).
expected=(
  "$prefix/bin/ccvm 755"
  "$prefix/sbin/ccvmd 755"
  "$prefix/lib/ccvm/ccvm-vm-client.so 644"
  "$prefix/share/man/man1/ccvm.1 644"
  "$prefix/share/man/man8/ccvmd.8 644"
  "$prefix/share/dbus-1/interfaces/org.ccvm.ccvm1.xml 644"
  "/usr/lib/systemd/system/ccvmd.service 644"
  "/usr/share/dbus-1/system.d/org.ccvm.ccvm1.conf 644"
  "/usr/share/dbus-1/system-services/org.ccvm.ccvm1.service 644"
  "/usr/lib/sysusers.d/ccvm.conf 644"
  "/usr/lib/tmpfiles.d/ccvm.conf 644"
  "/etc/ccvm/ccvmd.yaml 644"
)
for entry in "${expected[@]}"; do
  path=${entry% *}
  mode=${entry##* }
  if [ ! -f "$dest$path" ]; then
    fail "$path not installed"
  elif [ "$(stat -c %a "$dest$path")" != "$mode" ]; then
    fail "$path has mode $(stat -c %a "$dest$path"), want $mode"
  fi
done
while IFS= read -r f; do
  path=${f#"$dest"}
  case " ${expected[*]} " in *" $path "*) continue ;; esac
  case $path in "$prefix"/share/man/man[1-8]/*.[1-8] | "$prefix"/share/doc/ccvm/*) continue ;; esac
  fail "unexpected file $path"
done < <(find "$dest" -type f | sort)

# The unit starts the installed daemon and owns the name that the activation file hands it.
unit=$dest/usr/lib/systemd/system/ccvmd.service
activation=$dest/usr/share/dbus-1/system-services/org.ccvm.ccvm1.service
if [ -f "$unit" ]; then
  grep -qx "ExecStart=$prefix/sbin/ccvmd" "$unit" || fail "ccvmd.service: $(grep '^ExecStart=' "$unit"), want ExecStart=$prefix/sbin/ccvmd"
  grep -qx "BusName=org.ccvm.ccvm1" "$unit" || fail "ccvmd.service lacks BusName=org.ccvm.ccvm1"
  grep -qx "Alias=dbus-org.ccvm.ccvm1.service" "$unit" || fail "ccvmd.service lacks Alias=dbus-org.ccvm.ccvm1.service"
  grep -q "@[A-Z_]*@" "$unit" && fail "ccvmd.service has an unsubstituted @VAR@: $(grep '@[A-Z_]*@' "$unit")"
fi
if [ -f "$activation" ]; then
  grep -qx "Name=org.ccvm.ccvm1" "$activation" || fail "activation file lacks Name=org.ccvm.ccvm1"
  grep -qx "SystemdService=dbus-org.ccvm.ccvm1.service" "$activation" || fail "activation file does not name the unit's alias"
fi
policy=$dest/usr/share/dbus-1/system.d/org.ccvm.ccvm1.conf
[ -f "$policy" ] && { grep -q '<allow own="org.ccvm.ccvm1"/>' "$policy" || fail "bus policy lets nobody own org.ccvm.ccvm1"; }

# ccvmd's default configuration is the installed one, and the state directory the unit and
# tmpfiles.d create is the one that configuration names.
if [ -x "$dest$prefix/sbin/ccvmd" ]; then
  help=$("$dest$prefix/sbin/ccvmd" --help 2>&1 || true)
  grep -q "default /etc/ccvm/ccvmd.yaml" <<<"$help" || fail "ccvmd --help does not name /etc/ccvm/ccvmd.yaml as its default: $help"
fi
conf=$dest/etc/ccvm/ccvmd.yaml
if [ -f "$conf" ]; then
  grep -qx "state_dir: /var/lib/ccvm" "$conf" || fail "ccvmd.yaml: state_dir is not /var/lib/ccvm"
  grep -qx "d /var/lib/ccvm 0750 root root -" "$dest/usr/lib/tmpfiles.d/ccvm.conf" || fail "tmpfiles.d does not create /var/lib/ccvm"
  grep -qx "StateDirectory=ccvm" "$unit" || fail "ccvmd.service lacks StateDirectory=ccvm (/var/lib/ccvm)"
fi

[ "$failures" -eq 0 ] || { echo "$failures install check(s) failed"; exit 1; }
echo "install: all $(( ${#expected[@]} )) files where Debian reads them"
