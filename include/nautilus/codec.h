/*
 * nautilus/codec.h - hexadecimal and base64 text codecs.
 *
 * Decoders are strict: they reject characters outside the alphabet, odd hex
 * lengths, and base64 that is not canonical (bad padding, non-zero pad bits),
 * so one value has exactly one accepted text form.
 */
#ifndef NAUTILUS_CODEC_H
#define NAUTILUS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Length of the hex text for n bytes, without the NUL: 2n. */
static inline size_t nt_hex_encoded_len(size_t n) { return 2 * n; }

/* Writes lower-case hex of data[0..n) and a NUL into out[0..out_cap).
 * NT_ERR_NOSPACE if out_cap < 2n + 1. */
NT_API NT_WUR nt_status nt_hex_encode(char *out, size_t out_cap, const uint8_t *data, size_t n);

/* The value of one hex digit (either case), or -1 for any other byte. */
NT_API int nt_hex_digit_value(unsigned char c);

/* Decodes hex text (either case; an optional "0x" prefix is accepted) into
 * out[0..out_cap), setting *out_len. NT_ERR_HEX for odd length or a non-hex
 * character, NT_ERR_NOSPACE if out_cap is too small. */
NT_API NT_WUR nt_status nt_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                                      const char *text, size_t text_len);

/* Length of padded base64 text for n bytes, without the NUL. */
static inline size_t nt_base64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }

/* Upper bound of decoded bytes for text_len characters. */
static inline size_t nt_base64_decoded_max(size_t text_len) { return text_len / 4 * 3 + 3; }

/* Writes standard padded base64 (RFC 4648 §4) of data and a NUL.
 * NT_ERR_NOSPACE if out_cap < nt_base64_encoded_len(n) + 1. */
NT_API NT_WUR nt_status nt_base64_encode(char *out, size_t out_cap, const uint8_t *data, size_t n);

/* Decodes standard padded base64. NT_ERR_BASE64 for a bad character, a bad
 * length, misplaced padding or non-zero pad bits; NT_ERR_NOSPACE if out_cap
 * is too small. */
NT_API NT_WUR nt_status nt_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                                         const char *text, size_t text_len);

#ifdef __cplusplus
}
#endif
#endif
