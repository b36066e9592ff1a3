#pragma once
// A test fixture with a catalog file of its own in a temporary folder; reopen() closes and opens
// it again, as an agent restart would.

#include <gtest/gtest.h>

#include <memory>

#include "outpost/catalog/catalog.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {

class CatalogFileTest : public ::testing::Test {
protected:
    void SetUp() override { reopen(); }
    void reopen() {
        catalog.reset();
        auto opened = catalog::Catalog::open(dir.file("catalog.db"));
        ASSERT_TRUE(opened) << opened.error().describe();
        catalog = std::move(*opened);
    }
    TempDir dir;
    std::unique_ptr<catalog::Catalog> catalog;
};

}  // namespace outpost::testing
