#include "agent_harness.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace outpost::testing {

AgentHarness::AgentHarness(Simulator& sim, bool link_up, const TempDir* state_dir, const std::string& password)
    : owned_dir_(state_dir == nullptr ? std::make_unique<TempDir>() : nullptr) {
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.din_user = sim.options().din_user;
    settings.din_password = password.empty() ? sim.options().din_password : password;
    settings.link_up = link_up;
    process_ = std::make_unique<AgentProcess>(state_dir == nullptr ? *owned_dir_ : *state_dir, settings);
}

AgentHarness::AgentHarness(Simulator& sim, AgentSettings settings, const TempDir* state_dir)
    : owned_dir_(state_dir == nullptr ? std::make_unique<TempDir>() : nullptr) {
    settings.upstream_base_url = sim.base_url();
    settings.din_user = sim.options().din_user;
    settings.din_password = sim.options().din_password;
    process_ = std::make_unique<AgentProcess>(state_dir == nullptr ? *owned_dir_ : *state_dir, settings);
}

void AgentHarness::enqueue_picking(const std::string& key_ssl, int number) {
    const auto answer = call({{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", sample_picking(key_ssl, number)}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

void AgentHarness::set_link(bool up) {
    const auto answer = call({{"cmd", "sim.link"}, {"up", up}});
    if (!answer.value("ok", false)) throw std::runtime_error("sim.link failed: " + answer.dump());
}

nlohmann::json sample_picking(const std::string& key_ssl, int picking_number) {
    return {{"key_ssl", key_ssl},
            {"order_id", 48211},
            {"picking_no", key_ssl + "-P" + std::to_string(picking_number)},
            {"warehouse_code", "WH-JKT-01"},
            {"picker", "op-0042"},
            {"picked_at", "2026-11-23T10:15:00+07:00"},
            {"items",
             {{{"material_code", "BCG-20"},
               {"gtin", "08991234567895"},
               {"batch_code", "B2311A"},
               {"expired_date", "2027-05-31"},
               {"qty", 1 + picking_number},
               {"uom", "vial"},
               {"bin", "A-03-2"}}}}};
}

}  // namespace outpost::testing
