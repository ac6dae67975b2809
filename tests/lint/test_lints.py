#!/usr/bin/env python3
"""Tests of the lints in tools/: each runs on small trees built in a temporary directory, must
pass a clean tree and must catch each kind of violation it claims to catch."""

import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STD_HEADERS = REPO / "tools" / "lint_std_headers.py"
LAYERING = REPO / "tools" / "check_layering.py"

README = """\
# libk

## Standard headers allowed in freestanding code

Some prose that mentions <vector> is not a list item.

- `<cstddef>`
- `<cstdint>`
- `<span>`
- `<algorithm>` — non-allocating functions only.

Not allowed: `<functional>`.

## Another section

- `<vector>`
"""


class TreeTestCase(unittest.TestCase):
    """Builds a tree of files in a temporary directory and runs a lint on it."""

    tool: Path

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="mosaic-lint-")
        self.root = Path(self._dir.name)

    def tearDown(self):
        self._dir.cleanup()

    def write(self, files: dict[str, str]):
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")

    def run_lint(self) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(self.tool), str(self.root)],
                              capture_output=True, text=True, check=False)

    def assert_passes(self):
        result = self.run_lint()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(len(result.stdout.strip().splitlines()), 1, result.stdout)

    def assert_fails_with(self, expected_lines: list[str]):
        result = self.run_lint()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(sorted(result.stdout.strip().splitlines()), sorted(expected_lines))


class StdHeadersTest(TreeTestCase):
    tool = STD_HEADERS

    def clean_tree(self):
        self.write({
            "libk/README.md": README,
            "libk/include/k/thing.hpp": """\
                #pragma once
                #include <k/other.hpp>
                #include <cstddef>
                #include <span>
                """,
            "libk/include/k/other.hpp": "#pragma once\n#include <cstdint>\n",
            "libk/include/k/list.def": "#include <cstdint>\n",
            "libk/src/thing.cpp": """\
                #include <k/thing.hpp>
                #include "private.hpp"
                // #include <vector> in a line comment
                /* #include <vector>
                   #include <map> in a block comment */
                #include <algorithm>
                const char* s = "// not a comment";
                """,
            "libk/testing/fake.hpp": "#include <vector>\n#include <functional>\n",
            "libmm/include/mm/frames.hpp": "#include <k/thing.hpp>\n#include <mm/missing.hpp>\n",
            "platforms/x86_64/include/x86_64/cpu.hpp": "#include <cstdint>\n",
            "platforms/x86_64/src/boot.S": "#include <x86_64/cpu.hpp>\n",
            "platforms/host/src/contract.cpp": "#include <string>\n#include <unistd.h>\n",
            # Apps are linked into images: freestanding too.
            "apps/hello/main.cpp": "#include <k/thing.hpp>\n#include <cstdint>\n",
            "tests/images/apps/crash/main.cpp": "#include <k/thing.hpp>\n#include <cstddef>\n",
            "tests/libk/thing_test.cpp": "#include <vector>\n#include <doctest/doctest.h>\n",
            "tests/images/helper.cpp": "#include <vector>\n",  # Not under tests/images/apps/.
            "tools/helper.cpp": "#include <iostream>\n",
            "libk/src/notes.txt": "#include <vector>\n",
        })

    def test_clean_tree_passes(self):
        self.clean_tree()
        self.assert_passes()

    def test_catches_headers_outside_the_whitelist(self):
        self.clean_tree()
        self.write({
            "libk/src/bad.cpp": "#include <k/thing.hpp>\n\n#include <vector>\n",
            "libk/include/k/bad.hpp": "#pragma once\n  #  include <functional>\n",
            "libmm/src/c.c": "#include <string.h>\n",
            "platforms/x86_64/src/cpu.cpp": "#include <x86_64/cpu.hpp>\n#include <memory>\n",
            "platforms/x86_64/boot/entry.S": "#include <stdlib.h>\n",
            # <vector> is listed only in a later section, so it is not allowed.
            "libk/src/later_section.cpp": "#include <cstddef>\n#include <vector>\n",
            "apps/hello/bad.cpp": "#include <k/thing.hpp>\n#include <string>\n",
            "tests/images/apps/crash/bad.cpp": "#include <cstdint>\n#include <cstdlib>\n",
        })
        self.assert_fails_with([
            "libk/src/bad.cpp:3: <vector> is not in the freestanding whitelist (libk/README.md)",
            "libk/include/k/bad.hpp:2: <functional> is not in the freestanding whitelist "
            "(libk/README.md)",
            "libmm/src/c.c:1: <string.h> is not in the freestanding whitelist (libk/README.md)",
            "platforms/x86_64/src/cpu.cpp:2: <memory> is not in the freestanding whitelist "
            "(libk/README.md)",
            "platforms/x86_64/boot/entry.S:1: <stdlib.h> is not in the freestanding whitelist "
            "(libk/README.md)",
            "libk/src/later_section.cpp:2: <vector> is not in the freestanding whitelist "
            "(libk/README.md)",
            "apps/hello/bad.cpp:2: <string> is not in the freestanding whitelist (libk/README.md)",
            "tests/images/apps/crash/bad.cpp:2: <cstdlib> is not in the freestanding whitelist "
            "(libk/README.md)",
        ])

    def test_readme_is_the_source_of_truth(self):
        self.clean_tree()
        self.write({"libk/src/span_user.cpp": "#include <span>\n"})
        self.assert_passes()
        readme = README.replace("- `<span>`\n", "")
        self.write({"libk/README.md": readme})
        self.assert_fails_with([
            "libk/src/span_user.cpp:1: <span> is not in the freestanding whitelist "
            "(libk/README.md)",
            "libk/include/k/thing.hpp:4: <span> is not in the freestanding whitelist "
            "(libk/README.md)",
        ])

    def test_missing_whitelist_is_an_error(self):
        self.clean_tree()
        self.write({"libk/README.md": "# libk\n\nNo whitelist here.\n"})
        result = self.run_lint()
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("Standard headers allowed in freestanding code", result.stderr)

    def test_real_readme_whitelist(self):
        sys.path.insert(0, str(STD_HEADERS.parent))
        sys.dont_write_bytecode = True  # Leave no __pycache__ in the source tree.
        try:
            import lint_std_headers
        finally:
            sys.path.pop(0)
        allowed = lint_std_headers.parse_whitelist(REPO / "libk" / "README.md")
        for header in ["cstddef", "cstdint", "type_traits", "span", "atomic", "new", "algorithm"]:
            self.assertIn(header, allowed)
        for header in ["functional", "vector", "string", "map", "memory", "iostream"]:
            self.assertNotIn(header, allowed)


class LayeringTest(TreeTestCase):
    tool = LAYERING

    def clean_tree(self):
        self.write({
            "libk/include/k/format.hpp": "#pragma once\n#include <cstdint>\n",
            "libk/include/k/platform/cpu.hpp": "#pragma once\n#include <concepts>\n",
            "libk/src/format.cpp": """\
                #include <k/format.hpp>
                #include <k/platform/cpu.hpp>
                #include "detail.hpp"
                #include "../src/detail.hpp"
                // #ifdef __x86_64__ in a comment is prose.
                #ifdef MOS_LOG_LEVEL_MAX
                #endif
                """,
            "libk/src/detail.hpp": "#pragma once\n",
            "libmm/include/mm/frames.hpp": "#pragma once\n#include <k/format.hpp>\n",
            "libsched/src/thread.cpp": "#include <mm/frames.hpp>\n#include <sched/thread.hpp>\n",
            "libposix/src/fd.cpp": "#include <vfs/vnode.hpp>\n#include <ipc/pipe.hpp>\n",
            "platforms/x86_64/include/x86_64/cpu.hpp": "#pragma once\n",
            "platforms/x86_64/src/boot.S": "#include <x86_64/cpu.hpp>\n#ifdef __x86_64__\n#endif\n",
            "platforms/x86_64/src/switch.cpp": """\
                #include <k/format.hpp>
                #include <mm/frames.hpp>
                #include <sched/thread.hpp>
                #include "local.hpp"
                """,
            "platforms/x86_64/src/local.hpp": "#pragma once\n",
            "platforms/host/src/contract.cpp": "#include <k/platform/cpu.hpp>\n#include <string>\n",
            "apps/shell/main.cpp": "#include <posix/unistd.hpp>\n#include <k/format.hpp>\n",
            "tests/libk/format_test.cpp": "#include <k/format.hpp>\n#include <x86_64/cpu.hpp>\n",
        })

    def test_clean_tree_passes(self):
        self.clean_tree()
        self.assert_passes()

    def test_libk_alone_passes(self):
        self.write({
            "libk/include/k/format.hpp": "#pragma once\n#include <cstdint>\n",
            "libk/src/format.cpp": "#include <k/format.hpp>\n",
        })
        self.assert_passes()

    def test_catches_upward_includes(self):
        self.clean_tree()
        self.write({
            "libk/src/bad.cpp": "#include <k/format.hpp>\n#include <mm/frames.hpp>\n",
            "libmm/src/bad.cpp": "#include <posix/unistd.hpp>\n",
            "platforms/x86_64/src/bad.cpp": "#include <sched/thread.hpp>\n#include <ipc/pipe.hpp>\n",
        })
        self.assert_fails_with([
            "libk/src/bad.cpp:2: <mm/frames.hpp>: libk may not include libmm, which comes after "
            "it in the layering (ARCHITECTURE.md section 2)",
            "libmm/src/bad.cpp:1: <posix/unistd.hpp>: libmm may not include libposix, which "
            "comes after it in the layering (ARCHITECTURE.md section 2)",
            "platforms/x86_64/src/bad.cpp:2: <ipc/pipe.hpp>: platforms may include libk, libmm "
            "and libsched only, not libipc",
        ])

    def test_catches_platform_headers_in_generic_code_and_apps(self):
        self.clean_tree()
        self.write({
            "libk/src/bad.cpp": "#include <x86_64/cpu.hpp>\n",
            "libmm/include/mm/bad.hpp": "#include <host/thing.hpp>\n",
            "libsched/src/bad.cpp": '#include "../../platforms/x86_64/include/x86_64/cpu.hpp"\n',
            "apps/shell/bad.cpp": "#include <x86_64/cpu.hpp>\n",
            "platforms/x86_64/src/bad.cpp": "#include <host/thing.hpp>\n",
        })
        self.assert_fails_with([
            "libk/src/bad.cpp:1: <x86_64/cpu.hpp> is a platform header; generic library libk "
            "never includes one",
            "libmm/include/mm/bad.hpp:1: <host/thing.hpp> is a platform header; generic library "
            "libmm never includes one",
            'libsched/src/bad.cpp:1: "../../platforms/x86_64/include/x86_64/cpu.hpp" is a '
            "platform header; generic library libsched never includes one",
            "apps/shell/bad.cpp:1: <x86_64/cpu.hpp> is a platform header; apps include "
            "libraries only",
            "platforms/x86_64/src/bad.cpp:1: <host/thing.hpp> belongs to platforms/host; "
            "platforms/x86_64 includes only its own headers",
        ])

    def test_catches_reaching_into_another_librarys_src(self):
        self.clean_tree()
        self.write({
            "libmm/src/bad.cpp": '#include "../../libk/src/detail.hpp"\n',
            "tests/libk/bad_test.cpp": '#include "../../libk/src/detail.hpp"\n',
            "apps/shell/bad.cpp": "#include <libk/src/detail.hpp>\n",
        })
        message = "reaches into libk/src/, which is private to libk"
        self.assert_fails_with([
            f'libmm/src/bad.cpp:1: "../../libk/src/detail.hpp" {message}',
            f'tests/libk/bad_test.cpp:1: "../../libk/src/detail.hpp" {message}',
            f"apps/shell/bad.cpp:1: <libk/src/detail.hpp> {message}",
        ])

    def test_catches_architecture_conditionals_in_generic_code(self):
        self.clean_tree()
        self.write({
            "libk/src/arch.cpp": """\
                #include <k/format.hpp>
                #ifdef __x86_64__
                #elif defined(MOS_X) || \\
                      defined(__aarch64__)
                #endif
                #  if __riscv_xlen == 64
                #endif
                """,
            "libmm/include/mm/arch.hpp": "#ifndef __i386__\n#endif\n#if defined(__arm__)\n#endif\n",
        })
        message = ("in a conditional: generic library code has no architecture #if/#ifdef "
                   "(ARCHITECTURE.md section 3)")
        self.assert_fails_with([
            f"libk/src/arch.cpp:2: __x86_64__ {message}",
            f"libk/src/arch.cpp:3: __aarch64__ {message}",
            f"libk/src/arch.cpp:6: __riscv_xlen {message}",
            f"libmm/include/mm/arch.hpp:1: __i386__ {message}",
            f"libmm/include/mm/arch.hpp:3: __arm__ {message}",
        ])

    def test_catches_a_library_outside_the_order(self):
        self.clean_tree()
        self.write({"libnet/src/socket.cpp": "#include <k/format.hpp>\n"})
        self.assert_fails_with([
            "libnet/: library is not in the layering order of ARCHITECTURE.md (add it to LAYERS "
            "in tools/check_layering.py)",
        ])


if __name__ == "__main__":
    unittest.main(verbosity=2)
