#pragma once
// An agent with an [upstream.smartseller] table against the simulator's SmartSeller endpoints,
// over mutual TLS, for the SmartSeller integration tests.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "agent_process.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {

inline constexpr const char* kSmartSellerKey = "ss-test-key-0123456789";

struct SmartSellerOptions {
    bool link_up = false;
    int concurrency = 2;
    std::string api_key = kSmartSellerKey;  // the agent's; the simulator always takes kSmartSellerKey
};

class SmartSellerFixture {
public:
    explicit SmartSellerFixture(SmartSellerOptions options = {})
        : options_(std::move(options)), sim_(simulator_options()) {
        start();
    }

    // Starts outpostd (again, after restart_hard()) on the same state directory.
    void start() {
        AgentSettings settings;
        settings.upstream_base_url = sim_.base_url();
        settings.link_up = options_.link_up;
        settings.extra_config = "[upstream.smartseller]\nbase_url = \"" + sim_.base_url() + "\"\napi_key = \"" +
                                options_.api_key + "\"\nconcurrency = " + std::to_string(options_.concurrency) + "\n";
        agent_ = std::make_unique<AgentProcess>(dir_, settings);
    }
    // SIGKILL, as a power cut or crash would end it, then start again on the same outbox.
    void restart_hard() {
        agent_->kill_hard();
        agent_.reset();
        start();
    }

    Simulator& sim() { return sim_; }
    AgentProcess& agent() { return *agent_; }
    const TempDir& dir() const { return dir_; }

    nlohmann::json enqueue(const std::string& kind, const nlohmann::json& payload, const std::string& key = "") {
        nlohmann::json request = {{"cmd", "enqueue"}, {"kind", kind}, {"payload", payload}};
        if (!key.empty()) request["idempotency_key"] = key;
        return agent_->call(request);
    }
    void set_link(bool up) {
        const auto answer = agent_->call({{"cmd", "sim.link"}, {"up", up}});
        if (!answer.value("ok", false)) throw std::runtime_error("sim.link failed: " + answer.dump());
    }
    nlohmann::json status() { return agent_->status(); }
    nlohmann::json upstream() { return status()["upstreams"]["smartseller"]; }
    int delivered() { return status()["outbox"]["delivered"].get<int>(); }

    // The simulator's stock table and applied requests.
    void set_stock(const nlohmann::json& levels) { sim_.admin_post("/admin/smartseller/stock", {{"stock", levels}}); }
    long long stock(long long variation, long long warehouse) {
        const auto rows = sim_.admin_get("/admin/smartseller/stock?variation_id=" + std::to_string(variation));
        for (const auto& row : rows["stock"]) {
            if (row["warehouse_id"] == warehouse) return row["stock"].get<long long>();
        }
        return 0;
    }
    nlohmann::json requests() { return sim_.admin_get("/admin/smartseller/requests")["requests"]; }
    int requests_to(const std::string& path) {
        const auto by_path = sim_.stats()["by_path"];
        return by_path.contains(path) ? by_path[path].get<int>() : 0;
    }
    std::string diagnostics() { return status().dump(2) + "\n" + agent_->log() + "\n" + sim_.log(); }

private:
    static SimulatorOptions simulator_options() {
        SimulatorOptions options;
        options.extra_args = {"--smartseller-api-key", kSmartSellerKey};
        return options;
    }

    SmartSellerOptions options_;
    Simulator sim_;
    TempDir dir_;
    std::unique_ptr<AgentProcess> agent_;
};

inline nlohmann::json stock_delta(long long variation, long long warehouse, const char* status, long long amount,
                                  const std::string& description = "scan") {
    return {{"variation_id", variation},
            {"stock", {{{"amount", amount}, {"status", status}, {"warehouse_id", warehouse}}}},
            {"description", description}};
}

}  // namespace outpost::testing
