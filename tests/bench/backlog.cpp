#include "backlog.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

#include "agent_harness.hpp"
#include "outpost/intake/picking_order.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::bench {

double fill_outbox(const std::string& path, const Backlog& backlog) {
    const auto started = std::chrono::steady_clock::now();
    outbox::Options options;
    options.limits.max_operations = backlog.operations + 1000;
    options.limits.max_bytes = std::int64_t{4} << 30;
    auto opened = outbox::Outbox::open(path, options);
    if (!opened) throw std::runtime_error("opening " + path + ": " + opened.error().describe());
    outbox::Outbox& store = **opened;

    std::vector<outbox::NewOperation> batch;
    for (long i = 0; i < backlog.operations; ++i) {
        // Round-robin over the orders: pickings of one order are spread through the backlog, as
        // when several pickers work on many orders at once, and each order's come in order.
        const std::string key_ssl = backlog.key_ssl_prefix + std::to_string(i % backlog.lanes);
        const auto order = testing::sample_picking(key_ssl, static_cast<int>(i / backlog.lanes));
        auto operation = intake::prepare_picking_order(order, backlog.key_prefix + "-" + std::to_string(i),
                                                       backlog.device_id);
        if (!operation) throw std::runtime_error("intake refused the sample picking: " + operation.error().describe());
        batch.push_back(std::move(*operation));
        if (batch.size() == 1000 || i + 1 == backlog.operations) {
            auto stored = store.enqueue(batch);
            if (!stored) throw std::runtime_error("filling " + path + ": " + stored.error().describe());
            for (const auto& one : *stored) {
                if (!one || one->duplicate) throw std::runtime_error("filling " + path + ": an operation was refused");
            }
            batch.clear();
        }
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace outpost::bench
