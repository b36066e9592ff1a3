// Secrets never leave the agent: after login, deliveries, failures and debug logging, no log
// line, status output or file the agent wrote outside its database holds the password or the
// private key; the files it writes are readable by its user only.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "agent_harness.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

// The base64 lines of a PEM private key: any of them appearing anywhere is key material leaking.
std::vector<std::string> key_material(const std::string& pem_path) {
    std::vector<std::string> lines;
    std::istringstream pem(read_all(pem_path));
    for (std::string line; std::getline(pem, line);) {
        if (!line.empty() && line.rfind("-----", 0) != 0 && line.size() >= 16) lines.push_back(line);
    }
    return lines;
}

TEST(Secrets, NoSecretInLogsStatusOrFilesAndPrivateModes) {
    SimulatorOptions options;
    options.din_password = "s3cret-din-passw0rd";
    Simulator sim(options);
    TempDir state;
    {
        AgentHarness agent(sim, /*link_up=*/false, &state);  // log_level = debug
        sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {500, 422}}});
        for (int i = 0; i < 6; ++i) {
            agent.enqueue_picking("SSL-S", i);
        }
        agent.set_link(true);
        ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"].get<int>() >= 2; })) << agent.log();
        sim.admin_post("/admin/expire-tokens");  // a 401 and a new login
        ASSERT_TRUE(wait_until([&] {
            const auto status = agent.status();
            return status["outbox"]["delivered"].get<int>() + status["outbox"]["dead"].get<int>() == 6;
        })) << agent.log();

        const std::string status = agent.status().dump();
        const std::string log = agent.log();
        std::vector<std::pair<std::string, std::string>> outputs = {{"status", status}, {"log", log}};
        for (const auto& entry : std::filesystem::directory_iterator(state.path())) {
            const std::string name = entry.path().filename().string();
            // The database itself, and the files the test wrote (config, log capture), are not
            // the agent's output; the socket has no content.
            if (name.rfind("outbox.db", 0) == 0 || name == "outpostd.toml" || name == "outpostd.log" ||
                name == "outpostd.sock") {
                continue;
            }
            outputs.emplace_back(name, read_all(entry.path().string()));
        }
        const auto key_lines = key_material(pki_file("client.key"));
        ASSERT_FALSE(key_lines.empty());
        for (const auto& [where, text] : outputs) {
            EXPECT_EQ(text.find(options.din_password), std::string::npos) << "password in " << where;
            for (const auto& line : key_lines) EXPECT_EQ(text.find(line), std::string::npos) << "key material in " << where;
        }

        // What the agent creates is its own: no group or other access.
        for (const char* name : {"outbox.db", "outbox.db-wal"}) {
            struct stat info {};
            ASSERT_EQ(::stat(state.file(name).c_str(), &info), 0) << name;
            EXPECT_EQ(info.st_mode & 077, 0u) << name << " mode " << std::oct << (info.st_mode & 07777);
        }
        struct stat socket_info {};
        ASSERT_EQ(::stat(agent.socket_path().c_str(), &socket_info), 0);
        EXPECT_EQ(socket_info.st_mode & 007, 0u) << "the control socket is open to others";
    }
}

}  // namespace
}  // namespace outpost::testing
