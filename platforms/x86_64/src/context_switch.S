/* Switching kernel stacks between threads (System V x86-64 ABI: rbx, rbp and r12-r15 are the
 * callee-saved registers; the FPU/SSE state is saved by context.cpp). */
  .section .text, "ax"

/* void mos_x86_64_switch_stacks(uintptr_t* save_sp, uintptr_t load_sp) */
  .global mos_x86_64_switch_stacks
  .type mos_x86_64_switch_stacks, @function
mos_x86_64_switch_stacks:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size mos_x86_64_switch_stacks, . - mos_x86_64_switch_stacks

/* Where a new context's first switch returns to: r12 = its ThreadContext*, r13 = the entry,
 * r14 = its argument; rsp is 16-byte aligned. rbp = 0 ends the frame-pointer chain there. */
  .global mos_x86_64_context_start
  .type mos_x86_64_context_start, @function
mos_x86_64_context_start:
  xorl %ebp, %ebp
  movq %r12, %rdi
  movq %r13, %rsi
  movq %r14, %rdx
  call mos_x86_64_context_entry
  ud2
  .size mos_x86_64_context_start, . - mos_x86_64_context_start

  .section .note.GNU-stack, "", @progbits
