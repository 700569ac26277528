/*
 * fuzz/fuzz.h - what every fuzz target shares: the libFuzzer entry point's
 * prototype and CHECK, which aborts (a crash libFuzzer reports, with the
 * input saved) when a property of the parser under test does not hold.
 */
#ifndef NT_FUZZ_FUZZ_H
#define NT_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)      \
    do {                 \
        if (!(cond))     \
            abort();     \
    } while (0)

#endif
