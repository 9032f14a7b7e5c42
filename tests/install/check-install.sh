#!/bin/bash
# Installs the build into a DESTDIR and checks the tree: binaries where systemd and D-Bus
# look for them, the activation file and the unit pointing at the installed daemon, the
# interface XML, and the man pages.
set -euo pipefail
builddir=$1
prefix=$2
libexecdir=$3
destdir=$(mktemp -d)
trap 'rm -rf "$destdir"' EXIT

meson install -C "$builddir" --destdir "$destdir" --no-rebuild --quiet >/dev/null
root="$destdir$prefix"
fail=0
check() {
	if [ -e "$1" ]; then echo "ok: ${1#$destdir}"; else echo "MISSING: ${1#$destdir}"; fail=1; fi
}
check "$root/$libexecdir/wearbridged"
check "$root/bin/wearctl"
check "$root/bin/wearbridge-watchsim"
check "$root/share/dbus-1/interfaces/org.wearbridge.Manager1.xml"
check "$root/share/dbus-1/interfaces/org.wearbridge.Watch1.xml"
check "$root/share/doc/wearbridge/wearbridge.conf"
check "$root/share/man/man1/wearctl.1"
check "$root/share/man/man1/wearbridge-watchsim.1"
check "$root/share/man/man8/wearbridged.8"
service=$(find "$destdir" -name org.wearbridge.service -path '*dbus-1/services*' | head -n 1)
unit=$(find "$destdir" -name wearbridged.service -path '*systemd/user*' | head -n 1)
check "${service:-$destdir/share/dbus-1/services/org.wearbridge.service}"
check "${unit:-$destdir/lib/systemd/user/wearbridged.service}"
if [ -n "$service" ]; then
	grep -qx "Exec=$prefix/$libexecdir/wearbridged" "$service" || { echo "BAD Exec in $service"; fail=1; }
	grep -qx "SystemdService=wearbridged.service" "$service" || { echo "no SystemdService="; fail=1; }
fi
if [ -n "$unit" ]; then
	grep -qx "ExecStart=$prefix/$libexecdir/wearbridged" "$unit" || { echo "BAD ExecStart in $unit"; fail=1; }
	grep -qx "BusName=org.wearbridge" "$unit" || { echo "no BusName="; fail=1; }
	grep -qx "Type=dbus" "$unit" || { echo "not Type=dbus"; fail=1; }
fi
"$root/$libexecdir/wearbridged" --version | grep -q '^wearbridged ' || { echo "installed daemon does not run"; fail=1; }
exit $fail
