// CFuzzDriver — libFuzzer's driver entry, for tcpsim-fuzz's instrumented build (scripts/fuzz.sh). libFuzzer
// provides the function when the program is linked with -sanitize=fuzzer; other builds never call it.
#ifndef TCPSIM_CFUZZDRIVER_H
#define TCPSIM_CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
