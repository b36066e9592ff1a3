// Free space through statvfs, compared with what the test reads itself.

#include "hal/linux/statvfs_storage.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "temp_dir.hpp"

namespace hal::linux {
namespace {

TEST(StatvfsStorage, ReportsTheSpaceAvailableToUs) {
    outpost::testing::TempDir dir;
    const auto free = StatvfsStorage().free_bytes(dir.path().string());
    ASSERT_TRUE(free.ok()) << free.message();
    const auto expected = std::filesystem::space(dir.path()).available;
    // Other processes write meanwhile; the two readings agree within 64 MiB.
    const auto difference = *free > expected ? *free - expected : expected - *free;
    EXPECT_LT(difference, 64u << 20) << *free << " vs " << expected;
}

TEST(StatvfsStorage, MissingPathFailsNamingIt) {
    const auto free = StatvfsStorage().free_bytes("/nonexistent/outpost/outbox.db");
    ASSERT_FALSE(free.ok());
    EXPECT_NE(free.message().find("/nonexistent/outpost/outbox.db: statvfs"), std::string::npos) << free.message();
}

}  // namespace
}  // namespace hal::linux
