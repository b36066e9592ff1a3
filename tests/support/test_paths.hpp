#pragma once
// Where the build put the programs and the test PKI (set by tests/CMakeLists.txt).
// In a cross build kOutpostd and kOutpostctl are command lines with the emulator in front
// ("qemu-aarch64 -L /usr/aarch64-linux-gnu /path/outpostd"): usable as is in a shell command,
// split with argv_of() for exec. The build's paths contain no spaces (tests/CMakeLists.txt).

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::testing::paths {

inline constexpr const char* kUpstreamSim = OUTPOST_TEST_UPSTREAM_SIM;  // always a host program
inline constexpr const char* kOutpostd = OUTPOST_TEST_OUTPOSTD;
inline constexpr const char* kOutpostctl = OUTPOST_TEST_OUTPOSTCTL;
inline constexpr const char* kPkiDir = OUTPOST_TEST_PKI_DIR;  // made by tools/pki (test fixture)
inline constexpr const char* kPkiRsaDir = OUTPOST_TEST_PKI_RSA_DIR;  // tools/pki --rsa (test fixture)

// Splits one of the command lines above into the words exec wants.
inline std::vector<std::string> argv_of(std::string_view command) {
    std::vector<std::string> words;
    for (std::size_t start = 0; start < command.size();) {
        const auto end = std::min(command.find(' ', start), command.size());
        if (end > start) words.emplace_back(command.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

}  // namespace outpost::testing::paths
