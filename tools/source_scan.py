"""Walking the source tree and reading C/C++/assembler sources, shared by the lints in tools/.

The lints (check_layering.py, lint_std_headers.py) must agree on which files are sources and
which directories are not part of the tree, and must read comments the same way; keeping that
here means a fix to one lint cannot silently miss the other. Standard library only, since the
lints run wherever Meson runs.
"""

import os
from collections.abc import Set as AbstractSet
from pathlib import Path

SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".c", ".S", ".inc", ".def"}


def is_pruned_dir(path: Path) -> bool:
    """Directories that are not part of the source tree: VCS, build directories, subprojects."""
    name = path.name
    # A build directory may have any name; Meson's private directories give it away.
    return (name.startswith(".") or name == "subprojects" or name == "__pycache__"
            or (path / "meson-private").is_dir() or (path / "meson-info").is_dir())


def _walk(root: Path, skip: AbstractSet[Path]):
    """(directory, sorted file names) for root and every directory under it, pruned ones and
    those in skip (with everything below them) left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        # Sorted in place so that os.walk descends in a fixed order: the output of the lints
        # must not depend on the file system's order.
        dirnames[:] = sorted(d for d in dirnames
                             if not is_pruned_dir(base / d) and (base / d) not in skip)
        yield base, sorted(filenames)


def walk_dirs(root: Path, skip: AbstractSet[Path] = frozenset()):
    """Every directory under root (root included), skipping pruned ones and those in skip."""
    for base, _ in _walk(root, skip):
        yield base


def source_files(root: Path, skip: AbstractSet[Path] = frozenset()):
    """C/C++/assembler sources under root, except those under a pruned directory or one in skip."""
    for base, filenames in _walk(root, skip):
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES:
                yield base / name


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


def blanked_lines(path: Path):
    """(line number, text) of each physical line of the file, comments blanked."""
    # errors="replace": a stray non-UTF-8 byte in a source must not stop the lint.
    text = path.read_text(encoding="utf-8", errors="replace")
    yield from enumerate(blank_comments(text).splitlines(), start=1)
