"""Every `import X` of a package source target names a direct dependency of that target in
Package.swift (or a system module), as ARCHITECTURE.md's target graph assumes; a test target
may also import what its dependencies depend on. An import of a module outside a target's
dependencies builds in an incremental build (the module happens to be built already) and
then fails on a clean clone, depending on build order.

usage: python3 scripts/check-imports.py   (run from anywhere; reads `swift package dump-package`)
"""
import json
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                    capture_output=True, text=True).stdout)
system = {"Foundation", "Glibc", "Testing", "XCTest", "Dispatch", "Synchronization", "FoundationEssentials", "_Concurrency"}
targets = {t["name"] for t in package["targets"]}
products = {"ArgumentParser": "swift-argument-parser", "Yams": "Yams"}
direct = {}
for t in package["targets"]:
    direct[t["name"]] = {next(iter(d.values()))[0] for d in t["dependencies"]}


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for d in direct.get(name, ()):
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen


problems = []
for t in package["targets"]:
    deps = closure(t["name"]) if t["type"] == "test" else direct[t["name"]]
    default = {"test": "Tests", "executable": "Sources", "regular": "Sources"}.get(t["type"], "Sources")
    path = os.path.join(root, t.get("path") or os.path.join(default, t["name"]))
    for folder, _, files in os.walk(path):
        for name in files:
            if not name.endswith(".swift"):
                continue
            file = os.path.join(folder, name)
            for line in open(file, encoding="utf-8"):
                m = re.match(r"\s*(?:@testable\s+|@_implementationOnly\s+|public\s+|package\s+|internal\s+)?import\s+(?:struct\s+|enum\s+|class\s+|func\s+)?([A-Za-z_][A-Za-z0-9_]*)", line)
                if not m:
                    continue
                module = m.group(1)
                if module in system or module == t["name"] or module in deps:
                    continue
                if module in targets or module in products:
                    problems.append(f"{os.path.relpath(file, root)}: imports {module}, not a {'' if t['type'] == 'test' else 'direct '}dependency of {t['name']} in Package.swift")

# ARCHITECTURE.md's target graph: every source target's line lists exactly its direct
# dependencies in Package.swift ("A, B   → X, Y" with indented continuation lines).
def architecture_graph():
    text = open(os.path.join(root, "ARCHITECTURE.md"), encoding="utf-8").read()
    start = text.index("The target graph, as in Package.swift")
    block = text[text.index("```", start) + 3:]
    block = block[:block.index("```")]
    graph, names, pending = {}, [], ""
    for line in block.splitlines():
        if "→" in line:
            left, right = line.split("→", 1)
            names = [n.strip() for n in (pending + left).replace("(Tests/)", "").split(",") if n.strip()]
            pending = ""
            deps = right
        elif line.startswith(" ") and names:
            deps = line
        elif line.strip().endswith(","):
            pending += line  # a left side continued on the next line
            names = []
            continue
        else:
            names = []
            continue
        for n in names:
            graph.setdefault(n, set()).update(d.strip() for d in deps.replace("(nothing)", "").split(",") if d.strip())
    return graph


graph = architecture_graph()
for t in package["targets"]:
    if t["type"] not in ("regular", "executable"):
        continue
    name = t["name"]
    if name not in graph:
        problems.append(f"ARCHITECTURE.md: the target graph has no line for {name}")
    elif graph[name] != direct[name]:
        missing, extra = sorted(direct[name] - graph[name]), sorted(graph[name] - direct[name])
        problems.append(f"ARCHITECTURE.md: {name} → differs from Package.swift (missing {missing}, not in Package.swift {extra})")
for name in sorted(set(graph) - targets):
    problems.append(f"ARCHITECTURE.md: the target graph names {name}, which Package.swift does not have")
for p in sorted(set(problems)):
    print(p)
if problems:
    sys.exit(1)
print(f"check-imports: every import of {len(package['targets'])} targets is a declared dependency, and ARCHITECTURE.md's target graph is Package.swift's", file=sys.stderr)
