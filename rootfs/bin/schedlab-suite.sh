#!/bin/sh
# init for `make test-schedlab`: runs schedlab with the arguments that follow
# " -- " on the kernel command line (default: all) between markers the host
# side looks for, then powers off.
args=$(sed -n 's/^.* -- //p' /proc/cmdline)
echo "@@SCHEDLAB-BEGIN"
/bin/schedlab ${args:-all}
echo "@@SCHEDLAB-END rc=$?"
poweroff -f
