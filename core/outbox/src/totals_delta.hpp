#pragma once
// Totals moved in bulk (schema 8). Claims, outcomes and the recovery at open move operations into
// and out of 'in_flight' many at a time, and the totals trigger leaves exactly those moves out
// (its WHEN clause). A TotalsDelta adds them up per upstream and state while the rows change;
// apply() writes them to operation_totals in the same transaction, one statement per upstream
// and state touched instead of two trigger statements per operation.
//
// Contract: inside one write transaction, record every row the transaction moved into or out of
// 'in_flight' with its payload's size in bytes (octet_length, the unit of the limits), then call
// apply() before COMMIT. A transaction that rolls back drops its delta unapplied.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "outpost/common/expected.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox::detail {

class TotalsDelta {
public:
    // One operation of `upstream` moved from state `from` to state `to`.
    void move(std::string_view upstream, std::string_view from, std::string_view to, std::int64_t bytes);
    Expected<void> apply(StatementCache& statements) const;

private:
    struct Entry {
        std::string upstream;
        std::string_view state;  // one of the outbox's state names (string literals)
        std::int64_t operations = 0;
        std::int64_t bytes = 0;
    };
    Entry& entry(std::string_view upstream, std::string_view state);
    std::vector<Entry> entries_;  // a few: one per upstream and state touched
};

}  // namespace outpost::outbox::detail
