#pragma once
// What the fuzz targets share: a property check that stops the run the way a sanitizer does
// (libFuzzer keeps the input that broke it; the replay test fails on it).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                  \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
