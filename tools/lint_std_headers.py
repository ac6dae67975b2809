#!/usr/bin/env python3
"""Checks that freestanding code includes only whitelisted standard headers.

Freestanding code is every C/C++/assembler source under lib*/ (except lib*/testing/, which holds
host-only fakes) and under platforms/x86_64/ (except its testing/, for the same reason). In those
files each `#include <...>` that is not a project header must name a header from the whitelist in
libk/README.md, section "Standard headers allowed in freestanding code" (the single source of
truth). A project header is one that resolves under some `include/` directory of the repository,
e.g. <k/format.hpp> or <x86_64/cpu.hpp>.

Usage: lint_std_headers.py REPO_ROOT
Prints `path:line: <header> is not in the freestanding whitelist (libk/README.md)` for each
violation and exits 1 if there is any; otherwise prints a one-line summary and exits 0. Exits 2
if the whitelist cannot be read.
"""

import os
import re
import sys
from pathlib import Path

README = Path("libk") / "README.md"
WHITELIST_HEADING = "## Standard headers allowed in freestanding code"
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".c", ".S", ".inc", ".def"}

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


def is_pruned_dir(path: Path) -> bool:
    """Directories that are not part of the source tree: VCS, build directories, subprojects."""
    name = path.name
    return (name.startswith(".") or name == "subprojects" or name == "__pycache__"
            or (path / "meson-private").is_dir() or (path / "meson-info").is_dir())


def walk_dirs(root: Path):
    """Every directory under root (root included), skipping pruned ones."""
    for dirpath, dirnames, _ in os.walk(root):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not is_pruned_dir(base / d))
        yield base


def project_include_dirs(repo: Path) -> list[Path]:
    """Every directory named `include` in the source tree."""
    return [d for d in walk_dirs(repo) if d.name == "include" and d != repo]


def source_files(root: Path, skip: set[Path]):
    """C/C++/assembler sources under root, except those under a directory in skip."""
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if not is_pruned_dir(base / d) and (base / d) not in skip)
        for name in sorted(filenames):
            if Path(name).suffix in SOURCE_SUFFIXES:
                yield base / name


def freestanding_files(repo: Path):
    """The files the whitelist applies to."""
    roots = sorted(d for d in repo.iterdir() if d.is_dir() and d.name.startswith("lib"))
    x86_64 = repo / "platforms" / "x86_64"
    if x86_64.is_dir():
        roots.append(x86_64)
    for root in roots:
        yield from source_files(root, skip={root / "testing"})


def blank_comments(text: str) -> str:
    """The text with comments replaced by spaces, line breaks kept (so line numbers hold).

    String and character literals are skipped so that a "//" inside one is not a comment; an
    unterminated literal ends at the end of its line (assembler comments may hold apostrophes).
    """
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
        # An apostrophe after a letter or digit is a digit separator (1'000), not a literal;
        # reading a prefixed character literal (L'x') as plain text is harmless.
        elif c in "\"'" and not (c == "'" and i > 0 and text[i - 1].isalnum()):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1 if j < n and text[j] == c else j, n)
            out.append(text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def angle_includes(path: Path):
    """(line number, header) for each `#include <header>` in the file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(blank_comments(text).splitlines(), start=1):
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
