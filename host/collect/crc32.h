/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) for the stream
 * decoder: the same values as zlib, faster on the short inputs a record
 * is (200 bytes on average, each checked on its own).
 *
 * On x86 with PCLMULQDQ (checked with CPUID at run time) the bytes are
 * folded 16 at a time with carry-less multiplication and reduced once
 * at the end (Intel, "Fast CRC Computation for Generic Polynomials Using
 * PCLMULQDQ Instruction", 2009). Everywhere else, or when the CPU lacks
 * the instruction, zlib's crc32() computes it.
 */
#ifndef _KRADAR_CRC32_H
#define _KRADAR_CRC32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* zlib crc32() semantics: @crc is the CRC of the bytes before (0 first) */
uint32_t kradar_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * CRC-32 of a stream record as include/kradar_wire.h defines it: its
 * @size bytes with the crc field (bytes 12 to 15) read as zero.
 * @size >= 16.
 */
uint32_t kradar_crc32_record(const void *rec, size_t size);

/*
 * Use the carry-less multiply code if @on and the CPU has it, zlib
 * otherwise (tests and benchmarks compare both). Returns whether the
 * carry-less multiply code is now in use. Not thread-safe against
 * concurrent CRC calls; the default is on.
 */
bool kradar_crc32_use_clmul(bool on);

/* "pclmul" or "zlib": the code kradar_crc32() runs now */
const char *kradar_crc32_impl(void);

#endif /* _KRADAR_CRC32_H */
