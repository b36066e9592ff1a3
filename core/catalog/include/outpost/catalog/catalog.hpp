#pragma once
// The catalog: the agent's local copy of the upstreams' reference data, in its own SQLite file,
// pulled while online and read offline (intake checks scans and orders against it).
//
// Contract:
// - open() creates or opens the file and brings its schema up to date. The catalog is a cache
//   of data the upstream still holds: a damaged file, or one written by a newer agent, is
//   deleted and started empty (reset_reason() says why) instead of stopping the device; the
//   next pull fills it again.
// - Records are upserted by the upstream's id, one transaction per call (a pull stores page by
//   page, so memory stays bounded by a page). Nothing is deleted: the contract has no deletions.
// - Each feed (an entity type, later a pick-list source) has a pull state: when its last
//   complete pull finished (device clock; the catalog's age) and its watermark (the upstream's
//   own newest updated_at seen, sent back as updated_since by the next incremental pull).
//   record_pull() is called only after every page of a pull was stored, so a pull that failed
//   half-way is repeated from the old watermark and nothing is skipped.
// - Durability: synchronous=NORMAL in WAL mode. A power cut may lose the latest commits, never
//   corrupt the file; since the watermark is written after the records it covers, a lost commit
//   only means those records are pulled again.
// - Thread-safe: one SQLite connection behind a mutex (a puller thread writes while the control
//   thread reads); every call is a short transaction with no network I/O.
//
// Table families: the methods are grouped by family, each implemented in its own source file
// (master_data.cpp, ...) with its tables in schema.cpp's migration list. A new family (e.g. pick
// lists) adds its types header, its methods here, its .cpp and one migration.

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "outpost/catalog/master_data.hpp"
#include "outpost/catalog/pick_lists.hpp"
#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"

struct sqlite3;

namespace outpost::catalog {

namespace detail {
class Statements;
}

struct Options {
    int busy_timeout_ms = 5000;
};

struct PullState {
    std::string feed;
    std::optional<UnixMillis> last_success_at;  // end of the last complete pull; nullopt: never
    std::string watermark;                      // updated_since for the next pull; "": full pull
};

// One entity type at a glance (outpostctl catalog status).
struct TypeSummary {
    EntityType type = EntityType::Materials;
    std::int64_t records = 0;
    PullState pull;
};

class Catalog {
public:
    static Expected<std::unique_ptr<Catalog>> open(const std::string& path, Options options = {});
    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }
    // Why the file was deleted and started empty at open, or nullopt.
    [[nodiscard]] const std::optional<std::string>& reset_reason() const { return reset_reason_; }

    // ---- Pull bookkeeping, shared by every family (catalog.cpp) ----
    // A feed never pulled has no last_success_at and an empty watermark.
    Expected<PullState> pull_state(std::string_view feed) const;
    // A complete pull of `feed` finished at `finished_at`; `watermark` is what the next pull
    // sends as updated_since (the caller keeps the old one when the pull brought nothing new).
    Expected<void> record_pull(std::string_view feed, UnixMillis finished_at, const std::string& watermark);

    // ---- Master data (master_data.cpp); the feed of a type is to_string(type) ----
    // Stores `records` of `type` in one transaction, replacing records with the same id.
    Expected<void> upsert(EntityType type, std::span<const MasterRecord> records);
    // The material with this code (the most recently updated, should the upstream list a code
    // twice), or nullopt.
    Expected<std::optional<Material>> material_by_code(std::string_view code) const;
    // The material with this GTIN in any of its written lengths (normalize_gtin), or nullopt.
    Expected<std::optional<Material>> material_by_gtin(std::string_view gtin) const;
    // Any record by type and upstream id (entity checks, tests), or nullopt.
    Expected<std::optional<MasterRecord>> find(EntityType type, std::int64_t id) const;
    // Record count and pull state of every type, in all_entity_types() order.
    Expected<std::vector<TypeSummary>> master_data_summary() const;

    // ---- Pick lists (pick_lists.cpp) ----
    // Stores each list in one transaction for the lot, replacing the stored copy of the same
    // order (its items included: the upstream's list is the whole truth about that order).
    Expected<void> upsert_pick_lists(std::span<const PickList> lists);
    // Forgets an order the upstream no longer knows (404 on its integration read).
    Expected<void> remove_pick_list(std::int64_t order_id);
    Expected<std::optional<PickList>> pick_list(std::string_view key_ssl) const;
    Expected<std::optional<PickList>> pick_list_by_order(std::int64_t order_id) const;
    // Stored pick lists in `status` (every status when empty), by order id.
    Expected<std::vector<PickList>> pick_lists(std::string_view status) const;
    // At most `limit` (>= 1) summaries of stored pick lists in `status` (every status when
    // empty), by order id, with the number that matched in all: one query, no item rows read,
    // so a listing stays small however many orders were pulled.
    Expected<PickListPage> pick_list_page(std::string_view status, std::int64_t limit) const;

private:
    Catalog(sqlite3* db, std::string path);
    Expected<std::optional<PickList>> pick_list_where(const char* condition, std::string_view text,
                                                      std::int64_t number) const;
    static Expected<std::unique_ptr<Catalog>> open_checked(const std::string& path, const Options& options);

    mutable std::mutex mutex_;
    sqlite3* db_;
    std::unique_ptr<detail::Statements> statements_;  // guarded by mutex_
    std::string path_;
    std::optional<std::string> reset_reason_;
};

}  // namespace outpost::catalog
