#!/usr/bin/env python3
"""Measures the include graph of the kernel (docs/architecture.md, "Layers").

Reads every #include of kernel/, include/, arch/ and drivers/ and prints:
  - the file-level cycles: strongly connected components of headers that
    include one another (a .c file is never included, so only headers can
    form one);
  - the module-level cycles: the same with a header and the source file of
    the same name taken as one node (include/fs/procfs.h and
    kernel/fs/procfs.c are "fs/procfs"), so code that calls into a module
    whose own code includes the caller's header shows up;
  - the subsystem-level graph: a node per subsystem (include/fs/ and
    kernel/fs/ are both "fs", and so on), an edge A -> B when a file of A
    includes a header of B, and its strongly connected components; a
    component of more than one subsystem is a cycle between layers.
Run from the top of the tree: tools/include-cycles.py [-v]
"""
import os
import re
import sys

ROOTS = ["kernel", "include", "arch", "drivers"]
INC = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def files():
    for root in ROOTS:
        for d, _, names in os.walk(root):
            for n in names:
                if n.endswith((".c", ".h", ".S")) and "/vdso" not in d:
                    yield os.path.join(d, n)


def resolve(src, kind, name):
    cands = []
    if kind == '"':
        cands.append(os.path.join(os.path.dirname(src), name))
    cands += [os.path.join("include", name), os.path.join("include/arch", name)]
    for c in cands:
        if os.path.isfile(c):
            return os.path.normpath(c)
    return None


def subsystem(path):
    parts = path.split("/")
    if parts[0] == "include":
        return parts[1] if len(parts) > 2 else "include"
    if parts[0] == "kernel":
        return parts[1] if len(parts) > 2 else "kernel"
    return parts[0]          # arch, drivers


def module(path):
    """A header and the source file of the same name are one module:
    include/fs/procfs.h and kernel/fs/procfs.c are "fs/procfs".  The
    architecture is the exception: include/arch/ is an interface, and
    arch/x86_64/ one implementation of it, linked in, which calls generic
    code only through the entry points made for it (docs/architecture.md);
    its files are modules of their own."""
    stem = path.split("/")[-1].rsplit(".", 1)[0]
    if path.startswith("arch/"):
        return f"arch-x86_64/{stem}"
    return f"{subsystem(path)}/{stem}"


def sccs(graph):
    """Tarjan's algorithm, iterative."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter(graph.get(w, ()))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop(); on.discard(w); comp.append(w)
                        if w == v:
                            break
                    out.append(sorted(comp))
    return out


def main():
    verbose = "-v" in sys.argv
    fgraph, sgraph, why = {}, {}, {}
    for f in files():
        with open(f, errors="replace") as fh:
            text = fh.read()
        deps = set()
        for kind, name in INC.findall(text):
            r = resolve(f, kind, name)
            if r:
                deps.add(r)
        fgraph[f] = deps
        a = subsystem(f)
        for d in deps:
            b = subsystem(d)
            if a != b:
                sgraph.setdefault(a, set()).add(b)
                why.setdefault((a, b), []).append(f"{f} -> {d}")
        sgraph.setdefault(a, set())
    for g in list(fgraph.values()):
        for d in g:
            fgraph.setdefault(d, set())

    mgraph = {}
    for f, deps in fgraph.items():
        a = module(f)
        mgraph.setdefault(a, set())
        for d in deps:
            if module(d) != a:
                mgraph[a].add(module(d))

    fcycles = [c for c in sccs(fgraph) if len(c) > 1]
    fcycles.sort(key=len, reverse=True)
    print(f"file-level include cycles: {len(fcycles)}; largest: {len(fcycles[0]) if fcycles else 0} files")
    for c in fcycles:
        print("  " + " ".join(c))
    mcycles = [c for c in sccs(mgraph) if len(c) > 1]
    mcycles.sort(key=len, reverse=True)
    print(f"module-level cycles (a header and its .c file as one): {len(mcycles)}; "
          f"largest: {len(mcycles[0]) if mcycles else 0} modules")
    for c in mcycles:
        print("  " + " ".join(c))
    scycles = [c for c in sccs(sgraph) if len(c) > 1]
    scycles.sort(key=len, reverse=True)
    print(f"subsystem-level cycles: {len(scycles)}; largest: {len(scycles[0]) if scycles else 0} subsystems")
    for c in scycles:
        print("  " + " ".join(c))
        if verbose:
            members = set(c)
            for (a, b), edges in sorted(why.items()):
                if a in members and b in members:
                    print(f"    {a} -> {b}: {len(edges)} includes, e.g. {edges[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
