#pragma once
/// The 16550's register map and bits. [16550 datasheet] (TI PC16550D), section 8. Shared by the
/// driver and its test fake. The early boot UART (platforms/x86_64) has its own few constants:
/// libdrv may not include platform headers.

#include <cstdint>

namespace mos::drv::uart16550 {

/// COM1's base port on PCs.
inline constexpr std::uint16_t kCom1 = 0x3f8;
/// The clock divided by the divisor latch, divided by 16: the baud rate at divisor 1.
inline constexpr std::uint32_t kBaseBaud = 115200;
/// The depth of each FIFO on a 16550A.
inline constexpr std::uint32_t kFifoDepth = 16;

// Register offsets from the base port.
inline constexpr std::uint16_t kData = 0;           ///< RBR (read), THR (write); DLL with DLAB.
inline constexpr std::uint16_t kIer = 1;            ///< Interrupt enable; DLM with DLAB.
inline constexpr std::uint16_t kIir = 2;            ///< Interrupt identification (read).
inline constexpr std::uint16_t kFcr = 2;            ///< FIFO control (write).
inline constexpr std::uint16_t kLcr = 3;            ///< Line control.
inline constexpr std::uint16_t kMcr = 4;            ///< Modem control.
inline constexpr std::uint16_t kLsr = 5;            ///< Line status.
inline constexpr std::uint16_t kMsr = 6;            ///< Modem status.
inline constexpr std::uint16_t kScratch = 7;        ///< Scratch: present-device test.
inline constexpr std::uint16_t kRegisterCount = 8;  ///< Ports the UART decodes.

// IER bits.
inline constexpr std::uint8_t kIerRxData = 0x01;       ///< ERBFI: data available / timeout.
inline constexpr std::uint8_t kIerTxEmpty = 0x02;      ///< ETBEI: THR empty.
inline constexpr std::uint8_t kIerLineStatus = 0x04;   ///< ELSI: receiver line status.
inline constexpr std::uint8_t kIerModemStatus = 0x08;  ///< EDSSI: modem status.

// IIR: bit 0 clear means an interrupt is pending; bits 1-3 say which (priority order below);
// bits 6-7 are set when the FIFOs are enabled (a 16550A).
inline constexpr std::uint8_t kIirNonePending = 0x01;   ///< No interrupt pending.
inline constexpr std::uint8_t kIirIdMask = 0x0e;        ///< The interrupt-id field.
inline constexpr std::uint8_t kIirLineStatus = 0x06;    ///< Priority 1: OE, PE, FE or BI.
inline constexpr std::uint8_t kIirRxData = 0x04;        ///< Priority 2: RX FIFO at trigger level.
inline constexpr std::uint8_t kIirRxTimeout = 0x0c;     ///< Priority 2: data below trigger, idle.
inline constexpr std::uint8_t kIirTxEmpty = 0x02;       ///< Priority 3: THR (TX FIFO) empty.
inline constexpr std::uint8_t kIirModemStatus = 0x00;   ///< Priority 4: modem status change.
inline constexpr std::uint8_t kIirFifosEnabled = 0xc0;  ///< Both bits: FIFOs on (16550A).

// FCR bits.
inline constexpr std::uint8_t kFcrEnable = 0x01;       ///< Enable both FIFOs.
inline constexpr std::uint8_t kFcrClearRx = 0x02;      ///< Reset the RX FIFO (self-clearing).
inline constexpr std::uint8_t kFcrClearTx = 0x04;      ///< Reset the TX FIFO (self-clearing).
inline constexpr std::uint8_t kFcrTrigger1 = 0x00;     ///< RX interrupt at 1 byte.
inline constexpr std::uint8_t kFcrTrigger4 = 0x40;     ///< At 4 bytes.
inline constexpr std::uint8_t kFcrTrigger8 = 0x80;     ///< At 8 bytes.
inline constexpr std::uint8_t kFcrTrigger14 = 0xc0;    ///< At 14 bytes.
inline constexpr std::uint8_t kFcrTriggerMask = 0xc0;  ///< The trigger-level field.

// LCR bits.
inline constexpr std::uint8_t kLcr8N1 = 0x03;   ///< 8 data bits, no parity, 1 stop bit.
inline constexpr std::uint8_t kLcrDlab = 0x80;  ///< Divisor latch access.

// MCR bits.
inline constexpr std::uint8_t kMcrDtr = 0x01;   ///< Data terminal ready.
inline constexpr std::uint8_t kMcrRts = 0x02;   ///< Request to send.
inline constexpr std::uint8_t kMcrOut2 = 0x08;  ///< On PCs, gates the UART's IRQ to the PIC.

// LSR bits.
inline constexpr std::uint8_t kLsrDataReady = 0x01;  ///< DR: RBR / RX FIFO holds a byte.
inline constexpr std::uint8_t kLsrOverrun = 0x02;    ///< OE: a byte was lost (FIFO full).
inline constexpr std::uint8_t kLsrParity = 0x04;     ///< PE, of the byte at the FIFO top.
inline constexpr std::uint8_t kLsrFraming = 0x08;    ///< FE, of the byte at the FIFO top.
inline constexpr std::uint8_t kLsrBreak = 0x10;      ///< BI, of the byte at the FIFO top.
inline constexpr std::uint8_t kLsrTxEmpty = 0x20;    ///< THRE: THR / TX FIFO empty.
inline constexpr std::uint8_t kLsrTxIdle = 0x40;     ///< TEMT: shift register empty too.
inline constexpr std::uint8_t kLsrFifoError = 0x80;  ///< Some byte in the RX FIFO has errors.
/// The bits that reading LSR clears (sticky error bits).
inline constexpr std::uint8_t kLsrErrors = kLsrOverrun | kLsrParity | kLsrFraming | kLsrBreak;
/// What LSR reads as when nothing decodes the port (an absent ISA device: all ones).
inline constexpr std::uint8_t kLsrAbsent = 0xff;

}  // namespace mos::drv::uart16550
