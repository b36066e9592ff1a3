#include "totals_delta.hpp"

namespace outpost::outbox::detail {

TotalsDelta::Entry& TotalsDelta::entry(std::string_view upstream, std::string_view state) {
    for (Entry& existing : entries_) {
        if (existing.upstream == upstream && existing.state == state) return existing;
    }
    entries_.push_back(Entry{std::string(upstream), state});
    return entries_.back();
}

void TotalsDelta::move(std::string_view upstream, std::string_view from, std::string_view to, std::int64_t bytes) {
    Entry& source = entry(upstream, from);
    source.operations -= 1;
    source.bytes -= bytes;
    Entry& target = entry(upstream, to);
    target.operations += 1;
    target.bytes += bytes;
}

Expected<void> TotalsDelta::apply(StatementCache& statements) const {
    for (const Entry& change : entries_) {
        if (change.operations == 0 && change.bytes == 0) continue;
        // A state's row may not exist yet (the first delivery of an upstream); rows are kept at
        // zero, as the triggers keep them.
        auto upsert = statements.get(
            "INSERT INTO operation_totals (upstream, state, operations, bytes) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT DO UPDATE SET operations = operations + excluded.operations, bytes = bytes + excluded.bytes");
        if (!upsert) return upsert.error();
        upsert->bind(1, change.upstream);
        upsert->bind(2, change.state);
        upsert->bind(3, change.operations);
        upsert->bind(4, change.bytes);
        if (auto done = upsert->step("updating the operation totals"); !done) return done.error();
    }
    return {};
}

}  // namespace outpost::outbox::detail
