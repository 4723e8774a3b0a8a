#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unit-exec.sh UNIT [ARGS...]
#
# Runs the ExecStart= of a systemd service UNIT (with ARGS appended) the
# way systemd would set it up, for the VM tests: the guest has no systemd
# as PID 1.  Emulated: ProtectSystem=strict (every mount read-only but
# /dev, /proc, /sys, ReadWritePaths= and RuntimeDirectory=, which it
# creates in /run as systemd does), ProtectHome=, PrivateTmp=,
# PrivateDevices= (a /dev with null, zero, full, random, urandom, fd and
# shm only),
# ProtectControlGroups=, CapabilityBoundingSet=, NoNewPrivileges= and
# UMask=; the process keeps stdin, stdout, stderr and NOTIFY_SOCKET.
# The properties systemd enforces with seccomp or namespaces of other
# kinds (RestrictAddressFamilies=, MemoryDenyWriteExecute=, ...) are
# listed on stderr as not emulated.  A [Service] key this script does not
# know makes it fail rather than run something else than the unit says.
set -eu
unit=$1
shift
get() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }

not_emulated="RestrictAddressFamilies RestrictNamespaces RestrictRealtime
RestrictSUIDSGID LockPersonality MemoryDenyWriteExecute
SystemCallArchitectures ProtectClock ProtectHostname ProtectKernelModules
ProtectKernelLogs"
known="Type NotifyAccess ExecStart ExecReload KillSignal Restart RestartSec
RuntimeDirectory RuntimeDirectoryPreserve CapabilityBoundingSet
NoNewPrivileges ProtectSystem ReadWritePaths ProtectHome PrivateTmp
PrivateDevices ProtectControlGroups UMask $not_emulated"
while read -r key; do
	case " $(echo $known) " in
	*" $key "*) ;;
	*) echo "unit-exec.sh: $unit: [Service] $key= is not emulated" >&2
	   exit 2 ;;
	esac
done < <(sed -n '/^\[Service\]/,/^\[/{/^[A-Za-z]/s/=.*//p}' "$unit")
skipped=
for key in $not_emulated; do
	[ -n "$(get "$key")" ] && skipped+=" $key"
done
[ -n "$skipped" ] && echo "unit-exec.sh: not emulated:$skipped" >&2

read -ra cmd <<<"$(get ExecStart)"
caps=$(get CapabilityBoundingSet | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
rtdir=$(get RuntimeDirectory)
[ -n "$rtdir" ] && mkdir -p "/run/$rtdir" && chmod 0755 "/run/$rtdir"

# The mount namespace, set up by a shell in it, then the service itself.
exec unshare --mount --propagation private -- /bin/bash -c '
set -eu
strict=$1 rw=$2 rtdir=$3 home=$4 ptmp=$5 pdev=$6 cg=$7 caps=$8 nnp=$9
umask_=${10}
shift 10
if [ "$pdev" = yes ]; then
	d=$(mktemp -d /run/unit-exec-dev.XXXXXX)
	mount -t tmpfs -o mode=0755 tmpfs "$d"
	for n in null zero full random urandom; do
		touch "$d/$n"
		mount --bind "/dev/$n" "$d/$n"
	done
	ln -s /proc/self/fd "$d/fd"
	ln -s /proc/self/fd/0 "$d/stdin"
	ln -s /proc/self/fd/1 "$d/stdout"
	ln -s /proc/self/fd/2 "$d/stderr"
	mkdir "$d/shm"
	mount -t tmpfs -o mode=1777 tmpfs "$d/shm"
	mount --move "$d" /dev
fi
[ "$ptmp" = yes ] && mount -t tmpfs -o mode=1777 tmpfs /tmp &&
	mount -t tmpfs -o mode=1777 tmpfs /var/tmp
if [ "$home" = yes ]; then
	for h in /home /root /run/user; do
		[ -d "$h" ] && mount -t tmpfs -o ro,mode=0755 tmpfs "$h"
	done
fi
# Writable places become mounts of their own before the rest goes
# read-only, then are made writable again.
keep=
for p in $rw ${rtdir:+/run/$rtdir}; do
	mount --bind "$p" "$p"
	keep+=" $p"
done
if [ "$strict" = strict ]; then
	while read -r mp; do
		case "$mp" in
		/dev|/dev/*|/proc|/proc/*|/sys|/sys/*) continue ;;
		esac
		mount -o remount,bind,ro "$mp" 2>/dev/null || true
	done < <(awk "{ print \$5 }" /proc/self/mountinfo | sort -u)
	for p in $keep; do
		mount -o remount,bind,rw "$p"
	done
fi
if [ "$cg" = yes ] && mountpoint -q /sys/fs/cgroup; then
	mount -o remount,bind,ro /sys/fs/cgroup
fi
umask "${umask_:-0022}"
args=(--bounding-set="-all${caps:+,$caps}")
[ "$nnp" = yes ] && args+=(--no-new-privs)
exec setpriv "${args[@]}" -- "$@"
' unit-exec "$(get ProtectSystem)" "$(get ReadWritePaths)" "$rtdir" \
	"$(get ProtectHome)" "$(get PrivateTmp)" "$(get PrivateDevices)" \
	"$(get ProtectControlGroups)" "$caps" "$(get NoNewPrivileges)" \
	"$(get UMask)" "${cmd[@]}" "$@"
