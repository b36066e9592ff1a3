// The catalog on real SQLite files: upserts by id, lookups by code and GTIN, pull bookkeeping,
// and a damaged or too-new file started afresh.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog_file_test.hpp"
#include "outpost/catalog/catalog.hpp"
#include "temp_dir.hpp"

namespace outpost::catalog {
namespace {

MasterRecord material(std::int64_t id, const std::string& code, const std::string& gtin,
                      const std::string& updated_at = "2026-11-01T00:00:00Z") {
    MasterRecord record;
    record.id = id;
    record.code = code;
    record.name = "Material " + code;
    record.gtin = gtin;
    record.uom = "vial";
    record.is_batch = true;
    record.updated_at = updated_at;
    record.data = R"({"id":)" + std::to_string(id) + "}";
    return record;
}

class CatalogTest : public outpost::testing::CatalogFileTest {};

TEST_F(CatalogTest, ANewCatalogIsEmptyAndNeverPulled) {
    EXPECT_FALSE(catalog->reset_reason());
    auto summary = catalog->master_data_summary();
    ASSERT_TRUE(summary) << summary.error().describe();
    ASSERT_EQ(summary->size(), 6u);
    for (const auto& type : *summary) {
        EXPECT_EQ(type.records, 0) << to_string(type.type);
        EXPECT_FALSE(type.pull.last_success_at) << to_string(type.type);
        EXPECT_EQ(type.pull.watermark, "") << to_string(type.type);
    }
    auto found = catalog->material_by_code("BCG-20");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value());
}

TEST_F(CatalogTest, MaterialsAreFoundByCodeAndByGtinInAnyWrittenLength) {
    const std::vector<MasterRecord> page = {material(12, "BCG-20", "08991234567895"),
                                            material(13, "DT-10", "8991234567901"),  // EAN-13 as sent
                                            material(14, "NO-GTIN", "")};
    ASSERT_TRUE(catalog->upsert(EntityType::Materials, page));

    auto by_code = catalog->material_by_code("BCG-20");
    ASSERT_TRUE(by_code && by_code->has_value());
    EXPECT_EQ((*by_code)->id, 12);
    EXPECT_EQ((*by_code)->gtin, "08991234567895");
    EXPECT_EQ((*by_code)->uom, "vial");
    EXPECT_TRUE((*by_code)->is_batch);

    for (const char* gtin : {"08991234567895", "8991234567895"}) {
        auto by_gtin = catalog->material_by_gtin(gtin);
        ASSERT_TRUE(by_gtin && by_gtin->has_value()) << gtin;
        EXPECT_EQ((*by_gtin)->code, "BCG-20") << gtin;
    }
    auto ean13 = catalog->material_by_gtin("08991234567901");
    ASSERT_TRUE(ean13 && ean13->has_value());
    EXPECT_EQ((*ean13)->code, "DT-10");

    for (const char* unknown : {"", "00000000000000", "not-a-gtin"}) {
        auto missing = catalog->material_by_gtin(unknown);
        ASSERT_TRUE(missing);
        EXPECT_FALSE(missing->has_value()) << "'" << unknown << "' matched";
    }
    auto missing_code = catalog->material_by_code("XYZ");
    ASSERT_TRUE(missing_code);
    EXPECT_FALSE(missing_code->has_value());
}

TEST_F(CatalogTest, AnUpsertReplacesTheRecordWithTheSameId) {
    ASSERT_TRUE(catalog->upsert(EntityType::Materials, std::vector{material(12, "BCG-20", "08991234567895")}));
    ASSERT_TRUE(catalog->upsert(EntityType::Materials,
                                std::vector{material(12, "BCG-20X", "08991234567895", "2026-11-02T00:00:00Z")}));
    auto old_code = catalog->material_by_code("BCG-20");
    ASSERT_TRUE(old_code);
    EXPECT_FALSE(old_code->has_value()) << "the renamed material is still found under its old code";
    auto renamed = catalog->material_by_code("BCG-20X");
    ASSERT_TRUE(renamed && renamed->has_value());
    EXPECT_EQ((*renamed)->updated_at, "2026-11-02T00:00:00Z");
    auto summary = catalog->master_data_summary();
    ASSERT_TRUE(summary);
    for (const auto& type : *summary) {
        EXPECT_EQ(type.records, type.type == EntityType::Materials ? 1 : 0) << to_string(type.type);
    }
}

TEST_F(CatalogTest, RecordsOfEveryTypeKeepTheirParentAndTheirWholeJson) {
    MasterRecord entity;
    entity.id = 7;
    entity.code = "PKM-01";
    entity.name = "Puskesmas Satu";
    entity.parent_id = 3174;
    entity.updated_at = "2026-11-01T00:00:00Z";
    entity.data = R"({"id":7,"tags":[{"id":1,"name":"Puskesmas"}]})";
    ASSERT_TRUE(catalog->upsert(EntityType::Entities, std::vector{entity}));
    MasterRecord province;
    province.id = 31;
    province.name = "DKI Jakarta";
    province.updated_at = "2026-11-01T00:00:00Z";
    ASSERT_TRUE(catalog->upsert(EntityType::Provinces, std::vector{province}));

    auto found = catalog->find(EntityType::Entities, 7);
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->code, "PKM-01");
    EXPECT_EQ((*found)->parent_id, 3174);
    EXPECT_EQ((*found)->data, entity.data);
    auto region = catalog->find(EntityType::Provinces, 31);
    ASSERT_TRUE(region && region->has_value());
    EXPECT_EQ((*region)->name, "DKI Jakarta");
    EXPECT_FALSE((*region)->parent_id);
    EXPECT_EQ((*region)->data, "{}");
    auto absent = catalog->find(EntityType::Regencies, 7);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->has_value());
}

TEST_F(CatalogTest, PullStateSurvivesAReopenAndIsPerFeed) {
    ASSERT_TRUE(catalog->upsert(EntityType::Materials, std::vector{material(1, "A", "")}));
    ASSERT_TRUE(catalog->record_pull("materials", 1'700'000'000'000, "2026-11-01T00:00:00Z"));
    ASSERT_TRUE(catalog->record_pull("materials", 1'700'000'100'000, "2026-11-02T00:00:00Z"));
    reopen();
    auto materials = catalog->pull_state("materials");
    ASSERT_TRUE(materials);
    EXPECT_EQ(materials->last_success_at, 1'700'000'100'000);
    EXPECT_EQ(materials->watermark, "2026-11-02T00:00:00Z");
    auto entities = catalog->pull_state("entities");
    ASSERT_TRUE(entities);
    EXPECT_FALSE(entities->last_success_at);
    auto summary = catalog->master_data_summary();
    ASSERT_TRUE(summary);
    for (const auto& type : *summary) {
        if (type.type == EntityType::Materials) {
            EXPECT_EQ(type.records, 1);
            EXPECT_EQ(type.pull.watermark, "2026-11-02T00:00:00Z");
        }
    }
}

TEST_F(CatalogTest, ADamagedFileIsDeletedAndTheCatalogStartsEmpty) {
    ASSERT_TRUE(catalog->upsert(EntityType::Materials, std::vector{material(1, "A", "")}));
    catalog.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dir.file(std::string("catalog.db") + suffix));
    std::ofstream(dir.file("catalog.db"), std::ios::binary) << std::string(8192, 'x');
    auto opened = Catalog::open(dir.file("catalog.db"));
    ASSERT_TRUE(opened) << opened.error().describe();
    ASSERT_TRUE((*opened)->reset_reason());
    EXPECT_NE((*opened)->reset_reason()->find("not a database"), std::string::npos) << *(*opened)->reset_reason();
    auto found = (*opened)->material_by_code("A");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value());
}

TEST_F(CatalogTest, AFileFromANewerAgentIsStartedAfresh) {
    ASSERT_TRUE(catalog->record_pull("materials", 1, "w"));
    catalog.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("catalog.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto opened = Catalog::open(dir.file("catalog.db"));
    ASSERT_TRUE(opened) << opened.error().describe();
    ASSERT_TRUE((*opened)->reset_reason());
    EXPECT_NE((*opened)->reset_reason()->find("newer"), std::string::npos) << *(*opened)->reset_reason();
    auto state = (*opened)->pull_state("materials");
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->last_success_at);
}

TEST_F(CatalogTest, AnUnopenablePathIsAnErrorNamingIt) {
    auto opened = Catalog::open(dir.file("no-such-dir/catalog.db"));
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("no-such-dir/catalog.db"), std::string::npos) << opened.error().message;
}

TEST_F(CatalogTest, LookupsWhileAnotherThreadStoresPagesNeverFail) {
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::thread reader([&] {
        while (!done) {
            if (!catalog->material_by_code("M-1") || !catalog->material_by_gtin("00000000000001") ||
                !catalog->master_data_summary()) {
                ++failures;
            }
        }
    });
    for (int page = 0; page < 20; ++page) {
        std::vector<MasterRecord> records;
        for (int i = 0; i < 100; ++i) {
            const int id = page * 100 + i;
            records.push_back(material(id, "M-" + std::to_string(id), std::to_string(id)));
        }
        ASSERT_TRUE(catalog->upsert(EntityType::Materials, records));
    }
    done = true;
    reader.join();
    EXPECT_EQ(failures, 0);
    auto last = catalog->material_by_code("M-1999");
    ASSERT_TRUE(last && last->has_value());
}

TEST(NormalizeGtin, PadsTheKnownLengthsToFourteenDigitsAndLeavesAnythingElse) {
    EXPECT_EQ(normalize_gtin("12345670"), "00000012345670");
    EXPECT_EQ(normalize_gtin("012345678905"), "00012345678905");
    EXPECT_EQ(normalize_gtin("8991234567895"), "08991234567895");
    EXPECT_EQ(normalize_gtin("08991234567895"), "08991234567895");
    EXPECT_EQ(normalize_gtin("123"), "123");
    EXPECT_EQ(normalize_gtin("89912345678A5"), "89912345678A5");
    EXPECT_EQ(normalize_gtin(""), "");
}

TEST(EntityTypes, NamesRoundTripAndFollowTheUpstreamPaths) {
    std::vector<std::string> names;
    for (EntityType type : all_entity_types()) {
        names.emplace_back(to_string(type));
        EXPECT_EQ(parse_entity_type(to_string(type)), type);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"provinces", "regencies", "subdistricts", "entity-tags", "entities",
                                               "materials"}));
    EXPECT_FALSE(parse_entity_type("entity_tags"));
}

}  // namespace
}  // namespace outpost::catalog
