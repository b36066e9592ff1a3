// The master-data table family: six tables of one shape (schema.cpp, migration 1), materials
// with their GTIN, unit and batch flag on top.

#include <algorithm>
#include <array>
#include <cctype>

#include "outpost/catalog/catalog.hpp"
#include "sqlite.hpp"

namespace outpost::catalog {
namespace {

struct TypeInfo {
    EntityType type;
    std::string_view name;          // the upstream path segment and the feed name
    const char* table;
    const char* parent_column;      // nullptr: the type has no parent
};

constexpr std::array<TypeInfo, 6> kTypes = {{
    {EntityType::Provinces, "provinces", "provinces", nullptr},
    {EntityType::Regencies, "regencies", "regencies", "province_id"},
    {EntityType::Subdistricts, "subdistricts", "subdistricts", "regency_id"},
    {EntityType::EntityTags, "entity-tags", "entity_tags", nullptr},
    {EntityType::Entities, "entities", "entities", "regency_id"},
    {EntityType::Materials, "materials", "materials", nullptr},
}};

// Pull order: parents before children (regions, then tags, then the entities that use both),
// materials last.
constexpr std::array<EntityType, 6> kOrder = {EntityType::Provinces, EntityType::Regencies,
                                              EntityType::Subdistricts, EntityType::EntityTags,
                                              EntityType::Entities, EntityType::Materials};

const TypeInfo& info(EntityType type) {
    for (const TypeInfo& candidate : kTypes) {
        if (candidate.type == type) return candidate;
    }
    return kTypes.back();  // unreachable: every enumerator is in kTypes
}

std::string upsert_sql(const TypeInfo& type) {
    if (type.type == EntityType::Materials) {
        return "INSERT INTO materials (id, code, name, gtin, gtin14, uom, is_batch, updated_at, data) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
               "code = excluded.code, name = excluded.name, gtin = excluded.gtin, gtin14 = excluded.gtin14, "
               "uom = excluded.uom, is_batch = excluded.is_batch, updated_at = excluded.updated_at, "
               "data = excluded.data";
    }
    const std::string table = type.table;
    if (type.parent_column == nullptr) {
        return "INSERT INTO " + table + " (id, code, name, updated_at, data) VALUES (?1, ?2, ?3, ?4, ?5) "
               "ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, "
               "updated_at = excluded.updated_at, data = excluded.data";
    }
    const std::string parent = type.parent_column;
    return "INSERT INTO " + table + " (id, code, name, updated_at, data, " + parent +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET code = excluded.code, "
           "name = excluded.name, updated_at = excluded.updated_at, data = excluded.data, " +
           parent + " = excluded." + parent;
}

void bind_record(detail::Statement& statement, const TypeInfo& type, const MasterRecord& record) {
    statement.bind(1, record.id);
    statement.bind(2, record.code);
    statement.bind(3, record.name);
    if (type.type == EntityType::Materials) {
        statement.bind(4, record.gtin);
        statement.bind(5, normalize_gtin(record.gtin));
        statement.bind(6, record.uom);
        statement.bind(7, std::int64_t{record.is_batch ? 1 : 0});
        statement.bind(8, record.updated_at);
        statement.bind(9, record.data.empty() ? std::string_view("{}") : std::string_view(record.data));
        return;
    }
    statement.bind(4, record.updated_at);
    statement.bind(5, record.data.empty() ? std::string_view("{}") : std::string_view(record.data));
    if (type.parent_column != nullptr) {
        if (record.parent_id) {
            statement.bind(6, *record.parent_id);
        } else {
            statement.bind_null(6);
        }
    }
}

constexpr const char* kMaterialColumns = "id, code, name, gtin, uom, is_batch, updated_at";

Material read_material(const detail::Statement& row) {
    return Material{row.column_int(0), row.column_text(1), row.column_text(2), row.column_text(3),
                    row.column_text(4), row.column_int(5) != 0, row.column_text(6)};
}

}  // namespace

std::span<const EntityType> all_entity_types() { return kOrder; }

std::string_view to_string(EntityType type) { return info(type).name; }

std::optional<EntityType> parse_entity_type(std::string_view name) {
    for (const TypeInfo& candidate : kTypes) {
        if (candidate.name == name) return candidate.type;
    }
    return std::nullopt;
}

std::string normalize_gtin(std::string_view gtin) {
    const bool all_digits =
        !gtin.empty() && std::all_of(gtin.begin(), gtin.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    const bool known_length = gtin.size() == 8 || gtin.size() == 12 || gtin.size() == 13 || gtin.size() == 14;
    if (!all_digits || !known_length) return std::string(gtin);
    return std::string(14 - gtin.size(), '0') + std::string(gtin);
}

Expected<void> Catalog::upsert(EntityType type, std::span<const MasterRecord> records) {
    const TypeInfo& table = info(type);
    std::lock_guard lock(mutex_);
    auto transaction = detail::Transaction::begin(db_, "storing " + std::string(table.name), detail::kOwner);
    if (!transaction) return transaction.error();
    for (const MasterRecord& record : records) {
        auto statement = statements_->get(upsert_sql(table));
        if (!statement) return statement.error();
        bind_record(*statement, table, record);
        auto done = statement->step("storing " + std::string(table.name) + " record " + std::to_string(record.id));
        if (!done) return done.error();
    }
    return transaction->commit();
}

Expected<std::optional<Material>> Catalog::material_by_code(std::string_view code) const {
    std::lock_guard lock(mutex_);
    auto query = statements_->get(std::string("SELECT ") + kMaterialColumns +
                                  " FROM materials WHERE code = ?1 ORDER BY updated_at DESC, id DESC LIMIT 1");
    if (!query) return query.error();
    query->bind(1, code);
    auto row = query->step("looking up material " + std::string(code));
    if (!row) return row.error();
    if (!*row) return std::optional<Material>{};
    return std::optional<Material>{read_material(*query)};
}

Expected<std::optional<Material>> Catalog::material_by_gtin(std::string_view gtin) const {
    const std::string gtin14 = normalize_gtin(gtin);
    std::lock_guard lock(mutex_);
    auto query = statements_->get(std::string("SELECT ") + kMaterialColumns +
                                  " FROM materials WHERE gtin14 = ?1 AND gtin14 != '' "
                                  "ORDER BY updated_at DESC, id DESC LIMIT 1");
    if (!query) return query.error();
    query->bind(1, gtin14);
    auto row = query->step("looking up GTIN " + std::string(gtin));
    if (!row) return row.error();
    if (!*row) return std::optional<Material>{};
    return std::optional<Material>{read_material(*query)};
}

Expected<std::optional<MasterRecord>> Catalog::find(EntityType type, std::int64_t id) const {
    const TypeInfo& table = info(type);
    std::string columns = "id, code, name, updated_at, data, ";
    if (type == EntityType::Materials) {
        columns += "NULL, gtin, uom, is_batch";
    } else {
        columns += std::string(table.parent_column != nullptr ? table.parent_column : "NULL") + ", '', '', 0";
    }
    std::lock_guard lock(mutex_);
    auto query = statements_->get("SELECT " + columns + " FROM " + table.table + " WHERE id = ?1");
    if (!query) return query.error();
    query->bind(1, id);
    auto row = query->step("looking up " + std::string(table.name) + " " + std::to_string(id));
    if (!row) return row.error();
    if (!*row) return std::optional<MasterRecord>{};
    MasterRecord record;
    record.id = query->column_int(0);
    record.code = query->column_text(1);
    record.name = query->column_text(2);
    record.updated_at = query->column_text(3);
    record.data = query->column_text(4);
    if (!query->column_is_null(5)) record.parent_id = query->column_int(5);
    record.gtin = query->column_text(6);
    record.uom = query->column_text(7);
    record.is_batch = query->column_int(8) != 0;
    return std::optional<MasterRecord>{std::move(record)};
}

Expected<std::vector<TypeSummary>> Catalog::master_data_summary() const {
    std::vector<TypeSummary> summary;
    for (EntityType type : kOrder) {
        TypeSummary one;
        one.type = type;
        {
            std::lock_guard lock(mutex_);
            auto count = statements_->get(std::string("SELECT count(*) FROM ") + info(type).table);
            if (!count) return count.error();
            auto row = count->step("counting " + std::string(info(type).name));
            if (!row) return row.error();
            one.records = count->column_int(0);
        }
        auto pull = pull_state(to_string(type));
        if (!pull) return pull.error();
        one.pull = std::move(*pull);
        summary.push_back(std::move(one));
    }
    return summary;
}

}  // namespace outpost::catalog
