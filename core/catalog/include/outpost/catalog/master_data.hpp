#pragma once
// The master-data table family of the catalog: what SMILE WMS serves under /v2/entities,
// /v2/provinces, /v2/regencies, /v2/subdistricts, /v2/materials and /v2/entity-tags
// (upstream-contract.md, "SMILE WMS integration"). Plain types only: the connector turns the
// upstream's JSON into these, the catalog stores them, intake reads them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "outpost/common/clock.hpp"

namespace outpost::catalog {

enum class EntityType { Entities, Provinces, Regencies, Subdistricts, Materials, EntityTags };

// Every type, in the order a pull fetches them (parents before children).
std::span<const EntityType> all_entity_types();
// "entities", "provinces", "regencies", "subdistricts", "materials", "entity-tags": the last
// segment of the upstream path and the name operators see.
std::string_view to_string(EntityType type);
std::optional<EntityType> parse_entity_type(std::string_view name);

// One record of any type, as the upstream sent it. Fields a type does not have stay empty.
struct MasterRecord {
    std::int64_t id = 0;  // the upstream's id: records are upserted by it
    std::string code;
    std::string name;
    std::string updated_at;  // RFC 3339, as sent
    // regencies: province_id; subdistricts and entities: regency_id.
    std::optional<std::int64_t> parent_id;
    // materials only
    std::string gtin;  // as sent; looked up in its 14-digit form (normalize_gtin)
    std::string uom;
    bool is_batch = false;
    // The whole record as JSON text, so fields the agent does not interpret yet (entity tags,
    // names in other languages...) are kept and can be used without a new pull.
    std::string data;
};

struct Material {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::string gtin;
    std::string uom;
    bool is_batch = false;
    std::string updated_at;
};

// GTIN-8, -12 (UPC-A), -13 (EAN-13) and -14 written as digits are one number space: left-padded
// with zeros to 14 digits, so a scanned EAN-13 finds the material the upstream lists as GTIN-14.
// Anything else is returned unchanged (and will simply not match).
std::string normalize_gtin(std::string_view gtin);

}  // namespace outpost::catalog
