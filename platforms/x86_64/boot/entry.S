/* The first instructions: Multiboot2 header, PVH note, and the 32-bit entry that both boot
 * protocols share. It checks the CPU, zeroes .bss, builds the early page tables, enables long
 * mode and jumps to the higher half, where mos_x86_64_kernel_entry (kernel_entry.cpp) takes over.
 *
 * Early page tables (all in .bss, filled here with physical addresses):
 *   PML4[0]   -> identity map of 0..4 GiB in 2 MiB pages (boot data lives there; libmm removes it)
 *   PML4[256] -> the same 4 GiB at 0xffff800000000000, the early direct map
 *   PML4[511] -> KERNEL_VMA + 2 MiB .. + 6 MiB in 4 KiB pages, so that kernel_map.cpp can give
 *                each section its permissions and unmap the guard pages under the stacks; the
 *                direct map reaches physical 2..6 MiB through the same page tables.
 * [multiboot2] 3.1, 3.2; [intel-sdm vol3] 10.8.5 (initialising IA-32e mode); Xen start_info.h. */

#define KERNEL_VMA 0xffffffff80000000
#define KERNEL_LOAD 0x200000
#define PHYS(symbol) ((symbol) - KERNEL_VMA)

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_LOADER_MAGIC 0x36d76289
#define PROTOCOL_MULTIBOOT2 1
#define PROTOCOL_PVH 2

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

#define PAGE_PRESENT 0x1
#define PAGE_WRITE 0x2
#define PAGE_LARGE 0x80

/* ---- Multiboot2 header: must lie in the first 32 KiB of the file, 8-byte aligned. ---- */
  .section .multiboot2, "a"
  .balign 8
mb2_header:
  .long MB2_HEADER_MAGIC
  .long 0                                   /* architecture: i386 protected mode */
  .long mb2_header_end - mb2_header
  .long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
  .balign 8
mb2_info_request:                           /* [multiboot2] 3.1.4, flags = optional */
  .short 1, 1
  .long mb2_info_request_end - mb2_info_request
  .long 1, 2, 3, 6, 8, 14, 15               /* cmdline, loader, modules, mmap, fb, ACPI v1/v2 */
mb2_info_request_end:
  .balign 8
  .short 0, 0                               /* end tag */
  .long 8
mb2_header_end:

/* ---- PVH entry note, read by QEMU's -kernel and other PVH loaders. QEMU reads the
 * descriptor as a 64-bit value in ELF64 images, so it is a .quad. ---- */
  .section .note.Xen, "a", @note
  .balign 4
  .long 4                                   /* name size ("Xen\0") */
  .long 8                                   /* descriptor size */
  .long 18                                  /* XEN_ELFNOTE_PHYS32_ENTRY */
  .asciz "Xen"
  .balign 4
  .quad mos_pvh_entry

/* ---- 32-bit entry points, running at their physical addresses with paging off. ---- */
  .section .boot.text, "ax"
  .code32

  /* GRUB: EAX = loader magic, EBX = physical address of the information block. */
  .global mos_multiboot2_entry
mos_multiboot2_entry:
  cli
  cld
  cmp $MB2_LOADER_MAGIC, %eax
  jne not_multiboot2
  mov $PROTOCOL_MULTIBOOT2, %esi
  mov %ebx, %ebp
  jmp common32

  /* PVH: EBX = physical address of struct hvm_start_info. */
  .global mos_pvh_entry
mos_pvh_entry:
  cli
  cld
  mov $PROTOCOL_PVH, %esi
  mov %ebx, %ebp
  jmp common32

not_multiboot2:
  mov $msg_not_multiboot2, %esi
  jmp fail32

no_long_mode:
  mov $msg_no_long_mode, %esi
  jmp fail32

  /* Prints the NUL-terminated message at ESI on COM1 (115200 8N1), asks QEMU to exit with
   * status 1 (value 2 = status + 1, see tools/qemu_run.py), and halts. No stack is needed. */
fail32:
  mov $COM1 + 1, %dx
  xor %al, %al
  out %al, %dx                              /* no interrupts */
  mov $COM1 + 3, %dx
  mov $0x80, %al
  out %al, %dx                              /* divisor latch access */
  mov $COM1, %dx
  mov $1, %al
  out %al, %dx                              /* divisor 1: 115200 baud */
  mov $COM1 + 1, %dx
  xor %al, %al
  out %al, %dx
  mov $COM1 + 3, %dx
  mov $3, %al
  out %al, %dx                              /* 8 data bits, no parity, 1 stop bit */
1:
  lodsb
  test %al, %al
  jz 3f
  mov %al, %ah
2:
  mov $COM1 + 5, %dx
  in %dx, %al
  test $0x20, %al                           /* transmitter holding register empty */
  jz 2b
  mov $COM1, %dx
  mov %ah, %al
  out %al, %dx
  jmp 1b
3:
  mov $DEBUG_EXIT_PORT, %dx
  mov $2, %eax
  out %eax, %dx
4:
  hlt
  jmp 4b

  /* ESI = protocol, EBP = information block (physical). */
common32:
  /* Zero .bss: loaders zero it too, but the early page tables must not trust that. */
  mov $PHYS(__bss_start), %edi
  mov $PHYS(__bss_end), %ecx
  sub %edi, %ecx
  shr $2, %ecx
  xor %eax, %eax
  rep stosl

  /* Long mode is required; NX is used when present (EBX = 1). */
  mov $0x80000000, %eax
  cpuid
  cmp $0x80000001, %eax
  jb no_long_mode
  mov $0x80000001, %eax
  cpuid
  test $(1 << 29), %edx
  jz no_long_mode
  xor %ebx, %ebx
  test $(1 << 20), %edx
  jz 1f
  mov $1, %ebx
1:

  /* PML4: identity, direct map, kernel. */
  mov $PHYS(boot_pdpt_low) + PAGE_PRESENT + PAGE_WRITE, %eax
  mov %eax, PHYS(boot_pml4)
  mov %eax, PHYS(boot_pml4) + 256 * 8
  mov $PHYS(boot_pdpt_kernel) + PAGE_PRESENT + PAGE_WRITE, %eax
  mov %eax, PHYS(boot_pml4) + 511 * 8

  /* The low PDPT points at four page directories: 0..4 GiB. */
  mov $PHYS(boot_pd_low) + PAGE_PRESENT + PAGE_WRITE, %eax
  xor %ecx, %ecx
1:
  mov %eax, PHYS(boot_pdpt_low)(, %ecx, 8)
  add $4096, %eax
  inc %ecx
  cmp $4, %ecx
  jb 1b

  /* 2048 large pages of 2 MiB; entry i maps i * 2 MiB (the high dword holds bits 32+). */
  mov $PHYS(boot_pd_low), %edi
  xor %ecx, %ecx
1:
  mov %ecx, %eax
  shl $21, %eax
  or $PAGE_PRESENT + PAGE_WRITE + PAGE_LARGE, %eax
  mov %eax, (%edi, %ecx, 8)
  mov %ecx, %eax
  shr $11, %eax
  mov %eax, 4(%edi, %ecx, 8)
  inc %ecx
  cmp $2048, %ecx
  jb 1b

  /* KERNEL_VMA + 2 MiB .. + 6 MiB: two page tables of 4 KiB pages mapping physical 2..6 MiB.
   * The direct map's entries for the same 4 MiB use these tables too, so that the kernel's
   * alias in the direct map gets exactly the permissions kernel_map.cpp gives the image. */
  mov $PHYS(boot_pd_kernel) + PAGE_PRESENT + PAGE_WRITE, %eax
  mov %eax, PHYS(boot_pdpt_kernel) + 510 * 8
  mov $PHYS(boot_pt_kernel) + PAGE_PRESENT + PAGE_WRITE, %eax
  mov %eax, PHYS(boot_pd_kernel) + 1 * 8
  mov %eax, PHYS(boot_pd_low) + 1 * 8
  add $4096, %eax
  mov %eax, PHYS(boot_pd_kernel) + 2 * 8
  mov %eax, PHYS(boot_pd_low) + 2 * 8
  mov $PHYS(boot_pt_kernel), %edi
  xor %ecx, %ecx
1:
  mov %ecx, %eax
  shl $12, %eax
  add $KERNEL_LOAD + PAGE_PRESENT + PAGE_WRITE, %eax
  mov %eax, (%edi, %ecx, 8)
  inc %ecx
  cmp $1024, %ecx
  jb 1b

  /* CR4: PAE, global pages, FXSAVE/SSE and SSE exceptions enabled. */
  mov %cr4, %eax
  or $(1 << 5) | (1 << 7) | (1 << 9) | (1 << 10), %eax
  mov %eax, %cr4
  mov $PHYS(boot_pml4), %eax
  mov %eax, %cr3
  /* EFER: long mode, and no-execute when the CPU has it. */
  mov $0xc0000080, %ecx
  rdmsr
  or $(1 << 8), %eax
  test %ebx, %ebx
  jz 1f
  or $(1 << 11), %eax
1:
  wrmsr
  /* CR0: paging, write protect in ring 0, native FPU errors, monitor coprocessor; no emulation. */
  mov %cr0, %eax
  and $~(1 << 2), %eax
  or $(1 << 31) | (1 << 16) | (1 << 5) | (1 << 1), %eax
  mov %eax, %cr0

  lgdt boot_gdt_pointer
  ljmp $0x08, $long_mode_entry

  .code64
long_mode_entry:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  xor %ax, %ax
  mov %ax, %fs
  mov %ax, %gs
  movabs $higher_half_entry, %rax
  jmp *%rax

  .section .boot.data, "a"
msg_not_multiboot2:
  .ascii "Mosaic: not started by a Multiboot2 boot loader (EAX is not 0x36d76289).\r\n"
  .asciz "Boot this kernel with GRUB's multiboot2 command, or directly as a PVH ELF.\r\n"
msg_no_long_mode:
  .asciz "Mosaic: this CPU does not support 64-bit long mode; Mosaic needs an x86_64 CPU.\r\n"

  /* The GDT for the switch; platform code loads the full one (with a TSS) right away. */
  .balign 8
boot_gdt:
  .quad 0
  .quad 0x00af9a000000ffff                  /* 0x08: kernel code, 64-bit */
  .quad 0x00cf92000000ffff                  /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_pointer:
  .short boot_gdt_end - boot_gdt - 1
  .long boot_gdt

/* ---- 64-bit, in the higher half. ---- */
  .section .text, "ax"
  .type higher_half_entry, @function
higher_half_entry:
  mov $mos_boot_stack_top, %rsp
  mov %esi, %edi                            /* first argument: protocol */
  mov %ebp, %esi                            /* second argument: information block */
  xor %ebp, %ebp                            /* ends the backtrace chain */
  call mos_x86_64_kernel_entry
1:
  cli
  hlt
  jmp 1b
  .size higher_half_entry, . - higher_half_entry

/* ---- Page tables and the boot stack, in .bss (page-aligned, apart from code). ---- */
  .section .bss.page_aligned, "aw", @nobits
  .balign 4096
  .global boot_pml4, boot_pd_low, boot_pt_kernel
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_kernel: .skip 4096
boot_pd_low: .skip 4 * 4096
boot_pd_kernel: .skip 4096
boot_pt_kernel: .skip 2 * 4096

  /* The boot stack, with an unmapped guard page below it (kernel_map.cpp unmaps it). */
  .global mos_boot_stack_guard, mos_boot_stack_top
mos_boot_stack_guard: .skip 4096
  .skip 32768
mos_boot_stack_top:

  .section .note.GNU-stack, "", @progbits
