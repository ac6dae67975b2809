#!/usr/bin/env python3
"""Writes an image's glue: the C++ that binds the policies the image chose and initialises its
components in layering order before the app runs.

Every image gets one (platforms/x86_64/images/meson.build runs this script). It defines
mos::init_components() (k/app.hpp), which the platform calls before global constructors and
app_main, and mos::finish_components(), which it calls after app_main. Each component adds:

- mm: the image's KernelMemory<Frames, Heap> and the mos::mm::kernel_* functions
  (mm/kernel_memory.hpp) over it;
- sched: the image's scheduling policy instance and the mos::sched::bound_policy functions
  (sched/policy.hpp) over it, the kernel stacks and the Scheduler, started once memory is up.

Everything is a direct call on a constinit object, so choosing a policy costs nothing at run
time. Policies are named by header and type, as the libraries register them in their
meson.build (e.g. --frames mm/buddy_frame_allocator.hpp=mos::mm::BuddyFrameAllocator).

With --bindings-only, only the policy bindings of the listed components are written (no
init_components): host test executables use that to run libsched's core with each policy.
"""

import argparse
import sys

LAYER_ORDER = ["mm", "sched"]  # Components, in ARCHITECTURE.md's layering order.

# The functions of sched/policy.hpp's bound_policy namespace: (return type, name, parameters,
# arguments).
SCHED_BINDINGS = [
    ("void", "init_thread", "Thread& t", "t"),
    ("void", "release_thread", "Thread& t", "t"),
    ("Result<void>", "check_params", "const Thread& t, const SchedParams& params", "t, params"),
    ("void", "apply_params", "Thread& t, const SchedParams& params", "t, params"),
    ("void", "enqueue", "Thread& t, Enqueue reason, std::uint64_t now", "t, reason, now"),
    ("void", "remove", "Thread& t", "t"),
    ("Thread*", "pick_next", "std::uint64_t now", "now"),
    ("void", "account", "Thread& t, std::uint64_t ran_ns", "t, ran_ns"),
    ("std::uint64_t", "slice_left", "const Thread& t", "t"),
    ("bool", "preempts", "const Thread& woken, const Thread& running", "woken, running"),
    ("bool", "waits_before", "const Thread& a, const Thread& b", "a, b"),
    ("void", "priority_changed", "Thread& t", "t"),
    ("std::size_t", "runnable", "", ""),
    ("std::string_view", "name", "", ""),
]


def policy(text):
    header, _, type_name = text.partition("=")
    if not header or not type_name:
        raise argparse.ArgumentTypeError(f"expected HEADER=TYPE, got {text!r}")
    return header, type_name


class Glue:
    def __init__(self):
        self.includes = ["<k/app.hpp>"]
        self.body, self.init, self.finish = [], [], []

    def include(self, *headers):
        for h in headers:
            if h not in self.includes:
                self.includes.append(h)


def add_mm(glue, args, parser):
    if not args.frames or not args.heap:
        parser.error("the mm component needs --frames and --heap")
    heap_type = args.heap[1]
    glue.include("<k/log.hpp>", "<k/platform/machine.hpp>", "<mm/kernel_memory.hpp>",
                 f"<{args.frames[0]}>", f"<{args.heap[0]}>")
    if args.heap_front == "slab":
        glue.include("<mm/slab_front.hpp>")
        heap_type = f"mos::mm::SlabFront<{heap_type}>"
    if args.heap_debug:
        glue.include("<mm/debug_heap.hpp>")
        heap_type = f"mos::mm::DebugHeap<{heap_type}>"
    glue.body.append(f"""namespace {{

using Frames = {args.frames[1]};
using KernelHeap = {heap_type};

// constinit: it must exist before init_components and not be reset by global constructors.
constinit mos::mm::KernelMemory<Frames, KernelHeap> g_memory;

}}  // namespace

void* mos::mm::kernel_heap_allocate(std::size_t size, std::size_t alignment) noexcept {{
  return g_memory.allocate(size, alignment);
}}
void mos::mm::kernel_heap_free(void* p) noexcept {{ g_memory.free(p); }}
std::size_t mos::mm::kernel_heap_usable_size(void* p) noexcept {{ return g_memory.usable_size(p); }}
mos::mm::HeapStats mos::mm::kernel_heap_stats() noexcept {{ return g_memory.heap_stats(); }}
mos::mm::FrameStats mos::mm::kernel_frame_stats() noexcept {{ return g_memory.frame_stats(); }}
mos::mm::FrameSource& mos::mm::kernel_frames() noexcept {{ return g_memory; }}
mos::mm::PageTable& mos::mm::kernel_page_table() noexcept {{ return g_memory.page_table(); }}
mos::mm::FrameRefCounts& mos::mm::kernel_frame_ref_counts() noexcept {{
  return g_memory.frame_ref_counts();
}}
std::span<const mos::mm::PhysRange> mos::mm::kernel_reserved_ranges() noexcept {{
  return g_memory.reserved();
}}
mos::mm::PhysMap mos::mm::kernel_phys_map() noexcept {{ return g_memory.phys_map(); }}
mos::SpinLock& mos::mm::kernel_page_table_lock() noexcept {{ return g_memory.page_table_lock(); }}
mos::Result<mos::VirtAddr> mos::mm::kernel_map_mmio(mos::PhysAddr phys, std::uint64_t size,
                                                    mos::mm::CachePolicy cache) noexcept {{
  return g_memory.map_mmio(phys, size, cache);
}}
""")
    glue.init.append("""  if (auto ready = g_memory.init(boot); !ready) {
    mos::log::error("memory: cannot set up the kernel's memory: {}", ready.error());
    mos::platform::shutdown(mos::platform::kExitFailure);
  }""")
    if args.heap_debug:
        glue.include("<k/output_sink.hpp>")
        glue.finish.append("""  // heap_debug: what is still allocated now was leaked (nothing runs after this).
  const std::size_t leaks = g_memory.heap().report_leaks(mos::console_sink());
  if (leaks == 0) {
    mos::log::info("heap: no leaks at shutdown");
  } else {
    mos::log::warn("heap: {} allocations leaked at shutdown", leaks);
  }""")


def add_sched_bindings(glue, args, parser):
    if not args.scheduler:
        parser.error("the sched component needs --scheduler")
    header, type_name = args.scheduler
    glue.include("<sched/policy.hpp>", f"<{header}>", "<cstdint>", "<string_view>")
    ctor = f"{{{args.sched_slice_ns}}}" if args.sched_slice_ns else ""
    lines = [f"""namespace {{

// The image's scheduling policy; the core reaches it through the functions below.
constinit {type_name} g_policy{ctor};

}}  // namespace

namespace mos::sched::bound_policy {{
"""]
    for ret, name, params, call_args in SCHED_BINDINGS:
        lines.append(f"{ret} {name}({params}) noexcept {{ return g_policy.{name}({call_args}); }}")
    lines.append("}  // namespace mos::sched::bound_policy\n")
    glue.body.append("\n".join(lines))


def add_sched(glue, args, parser):
    add_sched_bindings(glue, args, parser)
    glue.include("<k/log.hpp>", "<k/platform/machine.hpp>", "<sched/kernel_stacks.hpp>",
                 "<sched/scheduler.hpp>")
    glue.body.append("""namespace {

constinit mos::sched::KernelStacks g_stacks;
constinit mos::sched::Scheduler g_scheduler;

}  // namespace
""")
    glue.init.append("""  if (auto ready = g_scheduler.init(g_stacks); !ready) {
    mos::log::error("sched: cannot start the scheduler: {}", ready.error());
    mos::platform::shutdown(mos::platform::kExitFailure);
  }""")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--component", action="append", default=[], choices=LAYER_ORDER)
    parser.add_argument("--bindings-only", action="store_true",
                        help="only the policy bindings (host tests)")
    parser.add_argument("--frames", type=policy, help="frame allocator HEADER=TYPE (mm)")
    parser.add_argument("--heap", type=policy, help="heap HEADER=TYPE (mm)")
    parser.add_argument("--heap-front", choices=["none", "slab"], default="none")
    parser.add_argument("--heap-debug", action="store_true")
    parser.add_argument("--scheduler", type=policy, help="scheduling policy HEADER=TYPE (sched)")
    parser.add_argument("--sched-slice-ns", type=int, default=0,
                        help="time slice of the policies that have one (sched)")
    args = parser.parse_args()

    glue = Glue()
    components = [c for c in LAYER_ORDER if c in args.component]
    if args.bindings_only:
        glue.includes = []
        if "sched" in components:
            add_sched_bindings(glue, args, parser)
    else:
        for component in components:
            {"mm": add_mm, "sched": add_sched}[component](glue, args, parser)

    lines = [f"// Generated by tools/gen_image_glue.py for '{args.image}': do not edit.", ""]
    lines += [f"#include {h}" for h in glue.includes]
    lines.append("")
    lines += glue.body
    if not args.bindings_only:
        lines.append(
            "void mos::init_components([[maybe_unused]] const mos::BootInfo& boot) noexcept {")
        lines += glue.init
        lines.append("}")
        lines.append("")
        lines.append("void mos::finish_components() noexcept {")
        lines += reversed(glue.finish)
        lines.append("}")
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
