#!/bin/sh
# QEMU options for a machine whose CPUs and memory are split over NUMA nodes:
#   qemu-numa.sh NODES CPUS MEM DISTANCE      (make run NUMA=2: docs/numa.md)
# CPU c goes to node c*NODES/CPUS (so with fewer CPUs than nodes some nodes
# have memory only), and each node gets an equal share of MEM (the last one
# the rest).
# Every two nodes are DISTANCE apart in the SLIT (a node is 10 from itself).
# When the CPUs divide evenly, each node is one socket, as on real machines.
# Prints the -smp, -m, -object and -numa options on one line.
set -eu
[ $# -eq 4 ] || { echo "usage: qemu-numa.sh NODES CPUS MEM DISTANCE" >&2; exit 2; }
nodes=$1 cpus=$2 mem=$3 dist=$4
fail() { echo "qemu-numa.sh: $*" >&2; exit 1; }
case "$nodes,$cpus,$dist" in *[!0-9,]*|,*|*,,*|*,) fail "NUMA, CPUS and NUMA_DIST must be whole numbers" ;; esac
num=${mem%[GgMm]}
case $num in ''|*[!0-9]*) fail "MEM=$mem: a whole number of M or G" ;; esac
case $mem in *[Gg]) mb=$((num * 1024)) ;; *) mb=$num ;; esac
[ "$nodes" -ge 1 ] && [ "$nodes" -le 64 ] || fail "NUMA=$nodes: from 1 to 64 nodes"
[ "$cpus" -ge 1 ] || fail "CPUS=$cpus: at least 1"
[ "$dist" -gt 10 ] && [ "$dist" -le 254 ] || fail "NUMA_DIST=$dist: from 11 to 254"
share=$((mb / nodes))
[ "$share" -ge 16 ] || fail "MEM=$mem is too little for $nodes nodes"
smp=$cpus
[ $((cpus % nodes)) -eq 0 ] && smp="$cpus,sockets=$nodes"
out="-smp $smp -m ${mb}M"
i=0
while [ $i -lt "$nodes" ]; do
    size=$share
    [ $i -eq $((nodes - 1)) ] && size=$((mb - share * (nodes - 1)))
    out="$out -object memory-backend-ram,id=numa$i,size=${size}M -numa node,nodeid=$i,memdev=numa$i"
    # CPU c is on node c * NODES / CPUS: these are the c for which that is i
    lo=$(((i * cpus + nodes - 1) / nodes)) hi=$((((i + 1) * cpus + nodes - 1) / nodes - 1))
    if [ $hi -gt $lo ]; then out="$out,cpus=$lo-$hi"; elif [ $hi -eq $lo ]; then out="$out,cpus=$lo"; fi
    i=$((i + 1))
done
i=0
while [ $i -lt "$nodes" ]; do
    j=$((i + 1))
    while [ $j -lt "$nodes" ]; do
        out="$out -numa dist,src=$i,dst=$j,val=$dist"
        j=$((j + 1))
    done
    i=$((i + 1))
done
echo "$out"
