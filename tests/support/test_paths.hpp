#pragma once
// Where the build put the programs and the test PKI (set by tests/CMakeLists.txt).

namespace outpost::testing::paths {

inline constexpr const char* kUpstreamSim = OUTPOST_TEST_UPSTREAM_SIM;
inline constexpr const char* kOutpostd = OUTPOST_TEST_OUTPOSTD;
inline constexpr const char* kOutpostctl = OUTPOST_TEST_OUTPOSTCTL;
inline constexpr const char* kPkiDir = OUTPOST_TEST_PKI_DIR;  // made by tools/pki (test fixture)

}  // namespace outpost::testing::paths
