/* Exception entry stubs: each pushes a zero error code where the CPU pushes none, then its
 * vector, and joins the common path, which saves the general registers (the TrapFrame of
 * trap_frame.hpp) and the FPU/SSE state, calls mos_x86_64_exception(TrapFrame*) and returns with
 * iretq if the handler returns. Kernel code may use SSE registers, so a handler that returns must
 * leave them as it found them: FXSAVE/FXRSTOR does that. Interrupts (vectors 32..255) take the
 * same path into mos_x86_64_interrupt. [intel-sdm vol3] 6.12.1 */

  .section .text, "ax"
  .code64

.macro STUB vector, has_error_code
  .balign 16
stub_\vector:
  .if \has_error_code == 0
  pushq $0
  .endif
  pushq $\vector
  jmp exception_common
.endm

  STUB 0, 0
  STUB 1, 0
  STUB 2, 0
  STUB 3, 0
  STUB 4, 0
  STUB 5, 0
  STUB 6, 0
  STUB 7, 0
  STUB 8, 1
  STUB 9, 0
  STUB 10, 1
  STUB 11, 1
  STUB 12, 1
  STUB 13, 1
  STUB 14, 1
  STUB 15, 0
  STUB 16, 0
  STUB 17, 1
  STUB 18, 0
  STUB 19, 0
  STUB 20, 0
  STUB 21, 1
  STUB 22, 0
  STUB 23, 0
  STUB 24, 0
  STUB 25, 0
  STUB 26, 0
  STUB 27, 0
  STUB 28, 0
  STUB 29, 1
  STUB 30, 1
  STUB 31, 0

/* The common path of exceptions and interrupts: saves the general registers (the TrapFrame),
 * then the FPU/SSE state, calls \handler(TrapFrame*), restores and returns with iretq. */
.macro COMMON name, handler
\name:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  cld
  mov %rsp, %rdi                /* TrapFrame* */
  mov %rsp, %rbx                /* callee-saved: the frame, to unwind the FXSAVE area */
  sub $512, %rsp
  and $~15, %rsp
  fxsave64 (%rsp)
  call \handler
  fxrstor64 (%rsp)
  mov %rbx, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  add $16, %rsp                 /* vector and error code */
  iretq
.endm

  COMMON exception_common, mos_x86_64_exception
  COMMON interrupt_common, mos_x86_64_interrupt

/* Interrupt stubs for vectors 32..255, 16 bytes apart from mos_interrupt_stubs: a zero error
 * code, the vector, the common path. A handler may switch threads before it returns (the
 * timer's does); the interrupted thread's registers wait on its own stack meanwhile. */
  .balign 16
  .global mos_interrupt_stubs
mos_interrupt_stubs:
  .set vector, 32
  .rept 224
  .balign 16
  pushq $0
  pushq $vector
  jmp interrupt_common
  .set vector, vector + 1
  .endr

  .section .rodata
  .balign 8
  .global mos_exception_stubs
mos_exception_stubs:
  .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .quad stub_\vector
  .endr

  .section .note.GNU-stack, "", @progbits
