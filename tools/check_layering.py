#!/usr/bin/env python3
"""Checks the layering of ARCHITECTURE.md, section 2, on the includes of the whole tree.

    libk  <-  libmm  <-  libsched  <-  libipc  <-  libvfs  <-  libdrv  <-  libposix  <-  apps

- Library libX's public headers are included as <X/...>. A file in library L may include the
  public headers of L and of the libraries before it, never of those after it.
- Generic libraries (lib*/) never include a platform header (<x86_64/...>, <host/...>, or any
  path into platforms/), and contain no #if/#ifdef on an architecture macro.
- Apps (apps/, examples/) may include every library but no platform header.
- A platform (platforms/P/) may include libk, libmm and libsched, and its own platform headers
  only.
- No file anywhere includes the private src/ of another library (a file of libX may include its
  own libX/src/; tests, tools and benchmarks have no library of their own).

Libraries that do not exist yet are simply absent; the files are discovered, not listed.

Usage: check_layering.py REPO_ROOT
Prints `path:line: message` for each violation and exits 1 if there is any; otherwise prints a
one-line summary and exits 0.
"""

import os
import re
import sys
from pathlib import Path

# The lints run as scripts (`python3 tools/X.py REPO`), so the shared module is found next to this
# file; no bytecode is written, to leave no __pycache__ in the source tree.
sys.dont_write_bytecode = True
_TOOLS = str(Path(__file__).resolve().parent)
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)
from source_scan import blanked_lines, is_pruned_dir, source_files  # noqa: E402

# Include prefixes of the libraries, in layering order (libk -> <k/...>, libmm -> <mm/...>, ...).
LAYERS = ["k", "mm", "sched", "ipc", "vfs", "drv", "posix"]
RANK = {prefix: rank for rank, prefix in enumerate(LAYERS)}
APPS_RANK = len(LAYERS)
# The last library a platform may include: platforms implement libk's contract and may use
# libmm (page tables) and libsched (context-switch hooks).
PLATFORM_MAX_RANK = RANK["sched"]
# Directories whose files are images built from the libraries.
APP_DIRS = {"apps", "examples"}
# Platform include prefixes known even before the platform has headers.
KNOWN_PLATFORM_PREFIXES = {"x86_64": "x86_64", "host": "host"}

_INCLUDE = re.compile(r'^\s*#\s*(?:include|include_next|import)\s*([<"])([^>"\n]+)[>"]')
_CONDITIONAL = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)$")
_ARCH_MACRO = re.compile(
    r"\b(__x86_64__|__x86_64|__amd64__|__amd64|__i386__|__i386|__aarch64__|__arm__|__riscv\w*)\b")
_LIB_SRC = re.compile(r"(?:^|/)lib([A-Za-z0-9_]+)/src/")
_LIB_INCLUDE = re.compile(r"(?:^|/)lib([A-Za-z0-9_]+)/include/")
_PLATFORMS = re.compile(r"(?:^|/)platforms/([A-Za-z0-9_]+)(?:/|$)")


def logical_lines(path: Path):
    """(first line number, text) of each logical line, comments blanked, continuations joined."""
    pending, start = "", 0
    for number, line in blanked_lines(path):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


class Tree:
    """What the layering rules need to know about the repository."""

    def __init__(self, repo: Path):
        self.repo = repo
        self.libraries = sorted(d.name for d in repo.iterdir()
                                if d.is_dir() and d.name.startswith("lib")
                                and not is_pruned_dir(d))
        # Include prefix -> platform name, from platforms/P/include/PREFIX/ and the known ones.
        self.platform_prefixes = dict(KNOWN_PLATFORM_PREFIXES)
        platforms = repo / "platforms"
        if platforms.is_dir():
            for p in sorted(platforms.iterdir()):
                if not p.is_dir() or is_pruned_dir(p):
                    continue
                self.platform_prefixes.setdefault(p.name, p.name)
                include = p / "include"
                if include.is_dir():
                    for prefix in sorted(include.iterdir()):
                        if prefix.is_dir():
                            self.platform_prefixes[prefix.name] = p.name


class Target:
    """What an include names: a library's public header, a library's src/, a platform header."""

    def __init__(self, kind: str, name: str):
        self.kind = kind  # "library", "src" or "platform"
        self.name = name  # Library prefix ("k", "mm", ...) or platform name.


def _path_targets(path: str) -> list[Target]:
    """The project parts a path spells out: libX/src/, libX/include/, platforms/P/."""
    targets = [Target("src", m.group(1)) for m in _LIB_SRC.finditer(path)]
    targets += [Target("platform", m.group(1)) for m in _PLATFORMS.finditer(path)]
    targets += [Target("library", m.group(1)) for m in _LIB_INCLUDE.finditer(path)]
    return targets


def classify(tree: Tree, including: Path, delimiter: str, spelled: str) -> list[Target]:
    """The project parts an include reaches, from its spelling and, for "...", its location."""
    targets = _path_targets(spelled)
    if delimiter == '"':
        # The compiler looks next to the including file first; if the file is there, that is
        # what is included.
        resolved = Path(os.path.normpath(including.parent / spelled))
        if resolved.is_file():
            try:
                targets += _path_targets(resolved.relative_to(tree.repo).as_posix())
            except ValueError:
                pass  # Outside the repository.
            return _unique(targets)
    if not targets and "/" in spelled:
        # Found through an include path: classify by the first component, <k/...>, <x86_64/...>.
        first = spelled.split("/", 1)[0]
        if first in RANK:
            targets.append(Target("library", first))
        elif first in tree.platform_prefixes:
            targets.append(Target("platform", tree.platform_prefixes[first]))
    return _unique(targets)


def _unique(targets: list[Target]) -> list[Target]:
    seen, out = set(), []
    for t in targets:
        if (t.kind, t.name) not in seen:
            seen.add((t.kind, t.name))
            out.append(t)
    return out


def check_file(tree: Tree, path: Path) -> list[tuple[int, str]]:
    """The violations in one file, as (line, message)."""
    rel = path.relative_to(tree.repo)
    top = rel.parts[0]
    library = top[3:] if top.startswith("lib") and len(rel.parts) > 1 else None
    platform = rel.parts[1] if top == "platforms" and len(rel.parts) > 2 else None
    is_app = top in APP_DIRS
    found = []
    for number, line in logical_lines(path):
        conditional = _CONDITIONAL.match(line)
        if conditional and library is not None:
            macro = _ARCH_MACRO.search(conditional.group(1))
            if macro:
                found.append((number, f"{macro.group(1)} in a conditional: generic library code "
                                      f"has no architecture #if/#ifdef (ARCHITECTURE.md section 3)"))
            continue
        include = _INCLUDE.match(line)
        if not include:
            continue
        delimiter, spelled = include.group(1), include.group(2).strip()
        shown = f"<{spelled}>" if delimiter == "<" else f'"{spelled}"'
        for target in classify(tree, path, delimiter, spelled):
            if target.kind == "src":
                if target.name != library:
                    found.append((number, f"{shown} reaches into lib{target.name}/src/, which is "
                                          f"private to lib{target.name}"))
            elif target.kind == "platform":
                if library is not None:
                    found.append((number, f"{shown} is a platform header; generic library "
                                          f"lib{library} never includes one"))
                elif is_app:
                    found.append((number, f"{shown} is a platform header; apps include "
                                          f"libraries only"))
                elif platform is not None and target.name != platform:
                    found.append((number, f"{shown} belongs to platforms/{target.name}; "
                                          f"platforms/{platform} includes only its own headers"))
            elif target.kind == "library":
                if target.name not in RANK:
                    continue  # An unknown library is reported once, by check().
                if library is not None and library in RANK and RANK[target.name] > RANK[library]:
                    found.append((number, f"{shown}: lib{library} may not include "
                                          f"lib{target.name}, which comes after it in the "
                                          f"layering (ARCHITECTURE.md section 2)"))
                elif platform is not None and RANK[target.name] > PLATFORM_MAX_RANK:
                    found.append((number, f"{shown}: platforms may include libk, libmm and "
                                          f"libsched only, not lib{target.name}"))
    return found


def check(repo: Path) -> tuple[list[str], int, Tree]:
    """The violations in the tree at repo, how many files were checked, and the tree."""
    tree = Tree(repo)
    violations = []
    for name in tree.libraries:
        if name[3:] not in RANK:
            violations.append(f"{name}/: library is not in the layering order of ARCHITECTURE.md "
                              f"(add it to LAYERS in tools/check_layering.py)")
    checked = 0
    for path in source_files(repo):
        checked += 1
        rel = path.relative_to(repo).as_posix()
        for number, message in check_file(tree, path):
            violations.append(f"{rel}:{number}: {message}")
    return violations, checked, tree


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} REPO_ROOT", file=sys.stderr)
        return 2
    repo = Path(argv[1]).resolve()
    if not repo.is_dir():
        print(f"check_layering: {repo} is not a directory", file=sys.stderr)
        return 2
    violations, checked, tree = check(repo)
    for v in violations:
        print(v)
    if violations:
        print(f"check_layering: {len(violations)} violation(s) in {checked} files",
              file=sys.stderr)
        return 1
    present = ", ".join(tree.libraries) or "none"
    print(f"check_layering: {checked} files follow the layering (libraries present: {present})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
