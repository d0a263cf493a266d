#!/bin/sh
# init for `make trace`: runs the command that follows " -- " on the kernel
# command line with the scheduling trace restarted, stops the trace, and
# prints /proc/sched_trace between markers for tools/tracetool to extract.
cmd=$(sed -n 's/^.* -- //p' /proc/cmdline)
cd /tmp
echo 1 > /proc/sys/kernel/sched_trace_enabled
sh -c "${cmd:-schedlab run rr}"
rc=$?
echo 0 > /proc/sys/kernel/sched_trace_enabled
echo "@@TRACE-BEGIN"
cat /proc/sched_trace
echo "@@TRACE-END rc=$rc"
poweroff -f
