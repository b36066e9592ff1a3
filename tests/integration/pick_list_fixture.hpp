#pragma once
// Pick lists reaching the agent's catalog the way they do on a device: the upstream simulator
// serves WMS master data (20 generated materials; material 12 is the contract's BCG-20, GTIN
// 08991234567895, batch-managed; MAT-00001 is a batch-managed box) and SMILE orders seeded
// through its admin API, and the agent pulls both over mutual TLS.

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "agent_harness.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {

inline SimulatorOptions pick_list_simulator() {
    SimulatorOptions options;
    options.extra_args = {"--wms-materials", "20", "--orders-user", "ops@demo.example", "--orders-password", "ops-pw"};
    return options;
}

// One SMILE order in `status` with `items` ([{"id", "material_code", "qty", "batch_code"?}]).
inline void seed_order(Simulator& sim, std::int64_t id, const std::string& key_ssl, const std::string& status,
                       const nlohmann::json& items) {
    sim.admin_post("/admin/orders", {{"id", id}, {"key_ssl", key_ssl}, {"status", status}, {"items", items}});
}

// WMS master data and the SMILE pick lists of allocated and confirmed orders, pulled once an hour.
inline AgentSettings pick_list_agent(Simulator& sim, bool link_up) {
    AgentSettings settings;
    settings.link_up = link_up;
    settings.extra_config = "[upstream.wms]\nbase_url = \"" + sim.base_url() +
                            "\"\nusername = \"wms@demo.example\"\npassword = \"wms-password\"\npull_interval_s = 3600\n"
                            "[upstream.smile-orders]\nbase_url = \"" +
                            sim.base_url() +
                            "\"\nusername = \"ops@demo.example\"\npassword = \"ops-pw\"\n"
                            "pick_list_statuses = [\"allocated\", \"confirmed\"]\npick_list_interval_s = 3600\n";
    return settings;
}

// Both pulls (master data, pick lists) have completed at least once.
inline bool wait_for_pick_list_pulls(AgentHarness& agent) {
    return wait_until(
        [&] {
            const auto pulls = agent.status()["catalog"]["pulls"];
            return pulls.value("wms/master-data", nlohmann::json::object()).value("pulls_completed", 0) >= 1 &&
                   pulls.value("smile-orders/pick-lists", nlohmann::json::object()).value("pulls_completed", 0) >= 1;
        },
        std::chrono::seconds(30));
}

struct CtlRun {
    int exit_code;
    std::string output;  // stdout and stderr
};

// outpostctl with `arguments` (quoted for the shell by the caller) against `socket`; its output
// goes through a file in `dir`.
inline CtlRun outpostctl(const std::string& socket, const TempDir& dir, const std::string& arguments) {
    const std::string command = std::string(paths::kOutpostctl) + " --socket " + socket + " " + arguments + " > " +
                                dir.file("outpostctl.txt") + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream out(dir.file("outpostctl.txt"));
    return CtlRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                  std::string((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>())};
}

}  // namespace outpost::testing
