#!/usr/bin/env python3
"""A scripted session on the shell appliance's serial console, checked against a transcript.

Usage:
    session_test.py SESSION TRANSCRIPT IMAGE_TEST_ARGS...

SESSION is typed on the console (tools/image_test.py --stdin); the other arguments go to
tools/image_test.py unchanged (--elf, --expect-status, --reject, --disk, `-- QEMU ARGS`, ...).
Once image_test.py has checked the status and its own patterns, the guest output (carriage
returns removed) must match TRANSCRIPT exactly, line by line, from its first line to its last:

  - a plain line is literal: the interactive shell's echo of a command ("# cmd", "> more"
    for continuation lines) or a line a command prints;
  - a line "~ REGEX" matches one line by a Python regex (fullmatch), for values that change
    from run to run (pids, times, sizes of kernel memory);
  - a line "..." skips any number of lines (the boot log, the console's echo of typed-ahead
    input); the lines around it still have to match exactly;
  - a line starting with a backslash is literal without the backslash ("\\..." for "...").
The transcript's first line is implicitly preceded by "...", and its last line may be followed
by anything (the image's shutdown log).

On a mismatch it prints where: the transcript's line, the guest's line, and the guest output
around it.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_TEST = os.path.join(HERE, "..", "..", "..", "tools", "image_test.py")
GUEST_START = re.compile(rb"^----- run(?: 1)?: guest output \(\d+ bytes\) -----\n", re.M)
GUEST_END = re.compile(rb"^----- end of run(?: 1)? guest output -----\n", re.M)


@dataclass
class Pattern:
    """One transcript line: literal text, a regex, or a gap."""
    kind: str  # "text", "regex" or "gap"
    value: str
    line: int  # 1-based, in the transcript file


def parse_transcript(path: str) -> list[Pattern]:
    patterns = [Pattern("gap", "", 0)]
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f.read().split("\n"), 1):
            if raw == "...":
                patterns.append(Pattern("gap", "", n))
            elif raw.startswith("~ "):
                try:
                    re.compile(raw[2:])
                except re.error as e:
                    sys.exit(f"session_test: {path}:{n}: bad regex {raw[2:]!r}: {e}")
                patterns.append(Pattern("regex", raw[2:], n))
            elif raw.startswith("\\"):
                patterns.append(Pattern("text", raw[1:], n))
            else:
                patterns.append(Pattern("text", raw, n))
    if patterns[-1].kind == "text" and patterns[-1].value == "":
        patterns.pop()  # The file's final newline.
    return patterns


def line_matches(p: Pattern, line: str) -> bool:
    if p.kind == "regex":
        return re.fullmatch(p.value, line) is not None
    return p.value == line


def match(patterns: list[Pattern], lines: list[str]) -> tuple[bool, int, int]:
    """Backtracking over the gaps. -> (matched, furthest pattern index, its line index)."""
    best = (0, 0)

    def go(pi: int, li: int) -> bool:
        nonlocal best
        if (pi, li) > best:
            best = (pi, li)
        while pi < len(patterns):
            p = patterns[pi]
            if p.kind == "gap":
                return any(go(pi + 1, start) for start in range(li, len(lines) + 1))
            if li >= len(lines) or not line_matches(p, lines[li]):
                return False
            pi, li = pi + 1, li + 1
            if (pi, li) > best:
                best = (pi, li)
        return True

    ok = go(0, 0)
    return ok, best[0], best[1]


def guest_output(report: bytes) -> str:
    start = GUEST_START.search(report)
    end = GUEST_END.search(report, start.end()) if start else None
    if not start or not end:
        return ""
    return report[start.end():end.start()].decode("utf-8", errors="replace").replace("\r", "")


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    session, transcript, rest = argv[0], argv[1], argv[2:]
    name = os.path.splitext(os.path.basename(session))[0]
    run = subprocess.run([sys.executable, IMAGE_TEST, "--name", name, "--stdin", session, *rest],
                         stdout=subprocess.PIPE)
    sys.stdout.buffer.write(run.stdout)
    sys.stdout.flush()
    lines = guest_output(run.stdout).split("\n")
    patterns = parse_transcript(transcript)
    ok, pi, li = match(patterns, lines)
    if not ok:
        p = patterns[min(pi, len(patterns) - 1)]
        got = lines[li] if li < len(lines) else "<end of output>"
        print(f"session {name}: transcript {transcript} line {p.line} does not match")
        print(f"  expected: {p.value!r}" + (" (regex)" if p.kind == "regex" else ""))
        print(f"  got:      {got!r} (guest output line {li + 1})")
        print("  guest output around it:")
        for n in range(max(0, li - 6), min(len(lines), li + 6)):
            print(f"  {'>' if n == li else ' '} {n + 1:4}| {lines[n]}")
    if run.returncode != 0 or not ok:
        print(f"session {name}: FAIL")
        return 1
    print(f"session {name}: PASS ({len(patterns)} transcript lines matched)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
