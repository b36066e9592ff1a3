// The WMS master data the simulator serves under /v2/<type> (upstream-contract.md, "SMILE WMS
// integration"): six record lists, generated (a deterministic data set) or loaded from a JSON
// file (--wms-data), changeable while running through the admin API so tests can watch an
// incremental pull bring only what changed. Kept in memory: a restarted simulator starts from
// its seed again.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace upstream_sim {

class WmsDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The six type names, as in the paths: entities, provinces, regencies, subdistricts, materials,
// entity-tags.
const std::vector<std::string>& wms_types();

struct WmsPage {
  std::vector<nlohmann::json> records;  // sorted by id
  std::int64_t total_item = 0;           // records matching the filter, over all pages
  std::int64_t total_page = 0;
};

// A disposal instruction cancellations refer to.
struct DisposalInstruction {
  std::string number;          // disposal_instruction_no
  std::int64_t entity_id = 0;
  bool executed = false;       // an executed instruction can no longer be cancelled (422)
};

struct WmsSeed {
  std::map<std::string, std::vector<nlohmann::json>> records;  // by type
  std::vector<DisposalInstruction> instructions;
};

// The generated data set: 5 provinces, 20 regencies, 60 subdistricts, 4 entity tags, 30
// entities and `materials` materials (ids from 1; material 12 is the contract's BCG-20, GTIN
// 08991234567895; the others MAT-00001... with valid GTIN-14s), updated_at one second apart
// and all before `now`; disposal instructions DI-2026-0001..0099 open (DI-2026-0042 for entity 12,
// as in the contract) and DI-2026-0900..0909 executed.
WmsSeed generate_wms_seed(std::int64_t materials, std::int64_t now_unix);

// A JSON file {"materials": [...], "entities": [...], ..., "disposal_instructions":
// [{"disposal_instruction_no", "entity_id", "status": "open" | "executed"}]}; types it leaves
// out are empty. Every record needs an integer id and a string updated_at (RFC 3339). Throws
// WmsDataError naming the file and the problem.
WmsSeed load_wms_seed(const std::string& path);

class WmsData {
 public:
  explicit WmsData(WmsSeed seed);

  // Records of `type` (must be one of wms_types()) whose updated_at is at or after `since_ms`
  // (all when nullopt), by id; page counts from 1.
  WmsPage page(const std::string& type, std::optional<std::int64_t> since_ms, std::int64_t page,
               std::int64_t paginate) const;

  // Inserts or replaces records by id; a record without updated_at gets `now_rfc3339`. Throws
  // WmsDataError for an unknown type or a record without an integer id (nothing is changed).
  std::size_t upsert(const std::string& type, const std::vector<nlohmann::json>& records,
                     const std::string& now_rfc3339);

  std::optional<DisposalInstruction> instruction(const std::string& number) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::int64_t, nlohmann::json>> records_;
  std::map<std::string, DisposalInstruction> instructions_;
};

}  // namespace upstream_sim
