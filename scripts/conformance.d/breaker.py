#!/usr/bin/env python3
"""A deliberately bad stand-in for seaworthy, for `scripts/conformance --self-test`.

`breaker.py fix ... PATH...` damages a few files, each in a way that only one
validator's comparison catches (the files stay parseable where that matters);
`breaker.py check ... PATH...` prints a `SW101 [warning]` for every Dockerfile
but the first, and no diff. The self-test passes only if every validator
reports a regression.
"""
import sys
from pathlib import Path

cmd, *rest = sys.argv[1:] or ["check"]
paths = [Path(a) for a in rest if not a.startswith("-")]
files = sorted(p for root in paths for p in root.rglob("*") if p.is_file())
dockerfiles = [p for p in files if p.name == "Dockerfile"]

if cmd == "check":
    for p in dockerfiles[1:]:
        print(f"{p}:1:1: SW101 [warning] final stage has no HEALTHCHECK; no port to probe", file=sys.stderr)
    sys.exit(0)
if cmd != "fix":
    sys.exit(2)


def pick(candidates, text_ok, skip=()):
    for p in candidates:
        if p not in skip and text_ok(p.read_text(errors="replace")):
            return p
    raise SystemExit("breaker: no file to damage")


# checkov CKV_DOCKER_2 (a HEALTHCHECK lost) on a file that had one.
hc = pick(dockerfiles, lambda t: "\nHEALTHCHECK " in t and "HEALTHCHECK NONE" not in t and "\r" not in t)
out, skip_cont = [], False
for line in hc.read_text().split("\n"):
    if line.startswith("HEALTHCHECK") or skip_cont:
        skip_cont = line.rstrip().endswith("\\")
        continue
    out.append(line)
hc.write_text("\n".join(out))
# hadolint: a new rule code (DL3003, `cd` in RUN) in a file it parses.
plain = lambda t: "<<" not in t and "\r" not in t and t.endswith("\n") and "cd " not in t
p = pick(dockerfiles, plain, skip=(hc,))
p.write_text(p.read_text() + "RUN cd /tmp && true\n")
# dockerfile-utils: an unknown instruction (a heredoc file: hadolint can't parse it anyway).
q = pick(dockerfiles, lambda t: "<<" in t and "\r" not in t, skip=(hc, p))
q.write_text(q.read_text().rstrip("\n") + "\nFROBNICATE now\n")
# Compose, still valid YAML: a wrong type (docker-compose config, schema),
# an unbound published port (dclint error), privileged (compose-lint critical).
composes = [f for f in files if f.name == "compose.yaml"]
c = pick(composes, lambda t: t.startswith("services:\n") and "\r" not in t
         and not any(k in t for k in ("ports:", "privileged", "stop_grace_period")))
lines = c.read_text().split("\n")
svc = next(i for i, l in enumerate(lines) if i > 0 and l.startswith("  ") and l.rstrip().endswith(":"))
lines[svc + 1:svc + 1] = ["    privileged: true", "    ports:", '      - "9999:9999"', "    stop_grace_period: [1]"]
c.write_text("\n".join(lines))
# app config parses: an output that no longer parses.
a = pick([f for f in files if f.name == "config.example.yaml"], lambda t: True)
a.write_text(a.read_text() + "\n  - : : [\n")
