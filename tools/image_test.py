#!/usr/bin/env python3
"""One QEMU image test: boot an image, feed its console, check its output and exit status.

Usage:
    image_test.py [--name NAME] [--expect REGEX]... [--reject REGEX]...
                  [--expect-status N] [--stdin FILE] [--expect-text FILE]
                  [--repeat-identical]
                  QEMU_RUN_OPTIONS... [-- EXTRA QEMU ARGS...]

Every option that tools/qemu_run.py takes (--elf, --iso, --boot, --mem, --cmdline, --disk,
--keys, --timeout, --deterministic, --qemu, -v, and `-- EXTRA QEMU ARGS`) is passed through to it
unchanged; the run is always in batch mode (the console goes through the runner, never a
terminal). Meson registers one test per invocation, e.g.

    test('hello', py, args: [image_test, '--iso', hello_iso, '--expect', 'Hello'],
         suite: 'images', timeout: 60)

(keep Meson's timeout above --timeout, default 30 s, so that the runner's own diagnostics
are what the log shows.)

Checks, all of which must hold:
  --expect REGEX       matches the guest output; several must match in the given order, each
                       one after the end of the previous match (repeatable)
  --reject REGEX       matches nowhere in the guest output (repeatable)
  --expect-status N    the guest's exit status as qemu_run.py reports it (default 0; 124 =
                       timeout, 125 = QEMU failed, 123 = the guest reset the machine)
  --expect-text FILE   the file's whole text appears verbatim in the output, less a final ^D
                       (the console's end of input) (repeatable)
  --repeat-identical   run twice with --deterministic; both runs must print byte-identical
                       output (e.g. instruction counts read with rdtsc)
Regexes use Python syntax with re.MULTILINE, against the output decoded as UTF-8 (invalid
bytes replaced) with "\\r\\n" turned into "\\n".

--stdin FILE is fed to the guest's console once the guest starts reading it, followed by
one ^D (qemu_run.py sends it at the end of its stdin); without --stdin the console gets only
that ^D.

On failure: which checks failed, then the full guest output and the runner's diagnostics,
on stdout; exit 1. On success: the guest output and a PASS line; exit 0.
"""

import argparse
import difflib
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "qemu_run.py")

# The runner's own statuses (tools/qemu_run.py), named in failure messages.
RUNNER_STATUS = {123: "the guest reset the machine", 124: "timeout", 125: "QEMU failed"}


@dataclass
class Run:
    """One qemu_run.py invocation: its exit status, the guest output and its stderr."""
    status: int
    output: bytes
    diagnostics: bytes
    interrupted: bool = False  # we were sent SIGTERM (e.g. Meson's timeout) meanwhile


class Terminated(Exception):
    """SIGTERM arrived; raised from the signal handler."""


def on_sigterm(*_) -> None:
    raise Terminated()


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str], list[str]]:
    """-> (our options, qemu_run options, extra QEMU args after `--`)."""
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(
        prog="image_test.py", allow_abbrev=False,
        description="Boot an image in QEMU and check its console output and exit status. "
                    "Other options go to qemu_run.py.")
    ap.add_argument("--name", help="test name for messages (default: the image file name)")
    ap.add_argument("--expect", action="append", default=[], metavar="REGEX",
                    help="must match the output, in order (repeatable)")
    ap.add_argument("--reject", action="append", default=[], metavar="REGEX",
                    help="must not match the output (repeatable)")
    ap.add_argument("--expect-status", type=int, default=0, metavar="N",
                    help="expected exit status (default 0)")
    ap.add_argument("--stdin", metavar="FILE", help="fed to the guest's console")
    ap.add_argument("--expect-text", action="append", default=[], metavar="FILE",
                    help="the file's whole text must appear verbatim in the output (repeatable)")
    ap.add_argument("--repeat-identical", action="store_true",
                    help="run twice with --deterministic; outputs must be byte-identical")
    args, runner_args = ap.parse_known_args(argv)

    # Validate the pass-through options now, with qemu_run's own parser, so that a typo
    # is reported as such and not as a failed boot.
    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import qemu_run
    runner_parser = qemu_run.build_parser()
    runner_parser.prog = "image_test.py (qemu_run options)"
    try:
        runner = runner_parser.parse_args(runner_args)
    except SystemExit:
        sys.exit(1)
    for rx in args.expect + args.reject:
        try:
            re.compile(rx)
        except re.error as e:
            ap.error(f"bad regex {rx!r}: {e}")
    if args.name is None:
        args.name = os.path.basename(runner.iso or runner.elf or "image")
    return args, runner_args, extra


def run_image(runner_args: list[str], extra: list[str], stdin_path: Optional[str]) -> Run:
    """Run qemu_run.py in batch mode and capture everything it prints."""
    cmd = [sys.executable, QEMU_RUN, "--batch", *runner_args, "--", *extra]
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    interrupted = False
    try:
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate()
        except Terminated:
            # Let the runner stop QEMU, and keep what the guest printed until now
            # (communicate() resumes where it was interrupted).
            interrupted = True
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            proc.terminate()
            try:
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    return Run(proc.returncode, out, err, interrupted)


def as_text(output: bytes) -> str:
    """The output as the regexes see it."""
    return output.decode("utf-8", errors="replace").replace("\r\n", "\n")


def check_output(text: str, expects: list[str], rejects: list[str]) -> list[str]:
    """Failure messages for the --expect/--reject checks (empty if all hold)."""
    failures = []
    pos = 0
    for n, rx in enumerate(expects, 1):
        m = re.compile(rx, re.MULTILINE).search(text, pos)
        if m is None:
            where = "in the output" if pos == 0 else f"after offset {pos} (the previous match)"
            failures.append(f"--expect #{n} of {len(expects)} /{rx}/ did not match {where}")
            break  # the later ones would be reported against the wrong position
        pos = m.end()
    for rx in rejects:
        m = re.compile(rx, re.MULTILINE).search(text)
        if m is not None:
            line = text.count("\n", 0, m.start()) + 1
            failures.append(f"--reject /{rx}/ matched on line {line}: {m.group(0)!r}")
    return failures


def check_texts(text: str, files: list[str]) -> list[str]:
    """Failure messages for --expect-text: each file's text must appear verbatim."""
    failures = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            # A final ^D (end of input for the console) is not expected back.
            wanted = f.read().replace("\r\n", "\n").removesuffix("\x04")
        if wanted not in text:
            failures.append(f"--expect-text {path}: its {len(wanted)} characters do not appear "
                            f"verbatim in the output")
    return failures


def check_status(run: Run, expected: int, label: str) -> list[str]:
    if run.status == expected:
        return []
    meaning = RUNNER_STATUS.get(run.status)
    what = f"{run.status} ({meaning})" if meaning else str(run.status)
    return [f"{label}exit status {what}, expected {expected}"]


def show_run(run: Run, title: str) -> None:
    """The guest output and the runner's diagnostics, delimited, on stdout."""
    out = sys.stdout.buffer
    out.write(f"----- {title}: guest output ({len(run.output)} bytes) -----\n".encode())
    out.write(run.output)
    if run.output and not run.output.endswith(b"\n"):
        out.write(b"\n")
    out.write(f"----- end of {title} guest output -----\n".encode())
    if run.diagnostics:
        out.write(f"----- {title}: qemu_run stderr -----\n".encode())
        out.write(run.diagnostics)
        if not run.diagnostics.endswith(b"\n"):
            out.write(b"\n")
    out.flush()


def first_difference(a: bytes, b: bytes) -> list[str]:
    """A short unified diff of two outputs, for the --repeat-identical message."""
    diff = difflib.unified_diff(as_text(a).splitlines(), as_text(b).splitlines(),
                                "run 1", "run 2", lineterm="", n=1)
    return ["    " + line for line in list(diff)[:40]]


def main(argv: list[str]) -> int:
    # Meson's timeout sends SIGTERM: run_image() then stops the runner (and QEMU) and
    # the partial output is still reported.
    signal.signal(signal.SIGTERM, on_sigterm)
    args, runner_args, extra = parse_args(argv)
    if args.stdin and not os.path.isfile(args.stdin):
        print(f"image_test {args.name}: --stdin file not found: {args.stdin}")
        return 1
    if args.repeat_identical and "--deterministic" not in runner_args:
        runner_args = runner_args + ["--deterministic"]

    runs = [run_image(runner_args, extra, args.stdin)]
    if runs[0].interrupted:
        show_run(runs[0], "run")
        print(f"image_test {args.name}: FAIL\n  terminated (SIGTERM) while the image was "
              f"running: the test harness's timeout is shorter than the runner's?")
        return 1
    failures = check_status(runs[0], args.expect_status,
                            "run 1: " if args.repeat_identical else "")
    failures += check_output(as_text(runs[0].output), args.expect, args.reject)
    failures += check_texts(as_text(runs[0].output), args.expect_text)
    if args.repeat_identical:
        runs.append(run_image(runner_args, extra, args.stdin))
        failures += check_status(runs[1], args.expect_status, "run 2: ")
        if runs[0].output != runs[1].output:
            failures.append("--repeat-identical: the two deterministic runs printed "
                            "different output:")
            failures += first_difference(runs[0].output, runs[1].output)

    for n, run in enumerate(runs, 1):
        show_run(run, f"run {n}" if len(runs) > 1 else "run")
    if failures:
        print(f"image_test {args.name}: FAIL")
        for f in failures:
            print(f"  {f}")
        return 1
    print(f"image_test {args.name}: PASS (status {runs[0].status}, {len(args.expect)} expected "
          f"and {len(args.reject)} rejected patterns checked"
          f"{', output identical in two runs' if args.repeat_identical else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
