/* Switching stacks between the scheduler's threads inside a Linux process (System V x86-64 ABI:
 * rbx, rbp and r12-r15 are the callee-saved registers; the FPU state is saved in C++). */
  .text

/* void mos_host_switch_stacks(uintptr_t* save_sp, uintptr_t load_sp) */
  .globl mos_host_switch_stacks
  .type mos_host_switch_stacks, @function
mos_host_switch_stacks:
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
  .size mos_host_switch_stacks, . - mos_host_switch_stacks

/* Where a new context's first switch returns to, with r12 = its ThreadContext*, r13 = the entry
 * function, r14 = its argument (context_init put them in the initial frame); rsp is 16-byte
 * aligned. */
  .globl mos_host_context_start
  .type mos_host_context_start, @function
mos_host_context_start:
  movq %r12, %rdi
  movq %r13, %rsi
  movq %r14, %rdx
  call mos_host_context_entry@PLT
  ud2
  .size mos_host_context_start, . - mos_host_context_start

  .section .note.GNU-stack, "", @progbits
