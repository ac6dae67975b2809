#!/usr/bin/env python3
"""Checks that freestanding code includes only whitelisted standard headers.

Freestanding code is every C/C++/assembler source under lib*/ (except lib*/testing/, which holds
host-only fakes), under platforms/x86_64/ (except its testing/, for the same reason), and under
apps/, examples/ and tests/images/apps/ (application code, linked into kernel images). In those
files each `#include <...>` that is not a project header must name a header from the whitelist in
libk/README.md, section "Standard headers allowed in freestanding code" (the single source of
truth). A project header is one that resolves under some `include/` directory of the repository,
e.g. <k/format.hpp> or <x86_64/cpu.hpp>.

Usage: lint_std_headers.py REPO_ROOT
Prints `path:line: <header> is not in the freestanding whitelist (libk/README.md)` for each
violation and exits 1 if there is any; otherwise prints a one-line summary and exits 0. Exits 2
if the whitelist cannot be read.
"""

import re
import sys
from pathlib import Path

# The lints run as scripts (`python3 tools/X.py REPO`), so the shared module is found next to this
# file; no bytecode is written, to leave no __pycache__ in the source tree.
sys.dont_write_bytecode = True
_TOOLS = str(Path(__file__).resolve().parent)
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)
from source_scan import blanked_lines, source_files, walk_dirs  # noqa: E402

README = Path("libk") / "README.md"
WHITELIST_HEADING = "## Standard headers allowed in freestanding code"

# A list item that starts with a header name: "- `<cstddef>`", "* <span> — note".
_WHITELIST_ITEM = re.compile(r"^\s*[-*+]\s+`?<([A-Za-z0-9_./+-]+)>`?")
# An angle-bracket include directive (after comments are blanked); captures the header name.
_INCLUDE = re.compile(r"^\s*#\s*(?:include|include_next|import)\s*<([^>\n]+)>")


class LintError(Exception):
    """The lint cannot run (as opposed to: it found violations)."""


def parse_whitelist(readme: Path) -> set[str]:
    """The header names listed in the whitelist section of libk/README.md."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise LintError(f"cannot read the whitelist: {e}") from e
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == WHITELIST_HEADING)
    except StopIteration:
        raise LintError(f"{readme}: no section '{WHITELIST_HEADING}'") from None
    headers = set()
    for line in lines[start + 1:]:
        if re.match(r"^#{1,2}\s", line):  # The next section of the same or a higher level.
            break
        match = _WHITELIST_ITEM.match(line)
        if match:
            headers.add(match.group(1))
    if not headers:
        raise LintError(f"{readme}: section '{WHITELIST_HEADING}' lists no `<header>` items")
    return headers


def project_include_dirs(repo: Path) -> list[Path]:
    """Every directory named `include` in the source tree."""
    return [d for d in walk_dirs(repo) if d.name == "include" and d != repo]


def freestanding_files(repo: Path):
    """The files the whitelist applies to."""
    roots = sorted(d for d in repo.iterdir() if d.is_dir() and d.name.startswith("lib"))
    # The x86_64 platform, and the apps linked with it into images (tests/images/apps/ holds
    # images that exist only for image tests).
    for extra in (Path("platforms") / "x86_64", Path("apps"), Path("examples"),
                  Path("tests") / "images" / "apps"):
        if (repo / extra).is_dir():
            roots.append(repo / extra)
    for root in roots:
        yield from source_files(root, skip={root / "testing"})


def angle_includes(path: Path):
    """(line number, header) for each `#include <header>` in the file."""
    for number, line in blanked_lines(path):
        match = _INCLUDE.match(line)
        if match:
            yield number, match.group(1).strip()


def is_project_header(header: str, include_dirs: list[Path]) -> bool:
    """Whether `header` names a header of this repository (found under an include/ directory).

    A header whose first path component is a directory directly under some include/ (k/, mm/,
    x86_64/, ...) counts too, so that a missing project header is reported by the compiler, not
    mistaken for a standard one here.
    """
    first = header.split("/", 1)[0]
    for d in include_dirs:
        if (d / header).is_file():
            return True
        if "/" in header and (d / first).is_dir():
            return True
    return False


def lint(repo: Path) -> tuple[list[str], int]:
    """The violations in the tree at repo, and how many files were checked."""
    whitelist = parse_whitelist(repo / README)
    include_dirs = project_include_dirs(repo)
    violations = []
    checked = 0
    for path in freestanding_files(repo):
        checked += 1
        rel = path.relative_to(repo).as_posix()
        for number, header in angle_includes(path):
            if header in whitelist or is_project_header(header, include_dirs):
                continue
            violations.append(
                f"{rel}:{number}: <{header}> is not in the freestanding whitelist (libk/README.md)")
    return violations, checked


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} REPO_ROOT", file=sys.stderr)
        return 2
    repo = Path(argv[1]).resolve()
    try:
        violations, checked = lint(repo)
    except LintError as e:
        print(f"lint_std_headers: {e}", file=sys.stderr)
        return 2
    for v in violations:
        print(v)
    if violations:
        print(f"lint_std_headers: {len(violations)} violation(s) in {checked} freestanding files",
              file=sys.stderr)
        return 1
    print(f"lint_std_headers: {checked} freestanding files include only whitelisted standard "
          f"headers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
