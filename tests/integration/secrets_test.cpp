// Secrets never leave the agent. Through logins (refused and accepted), deliveries, failures
// (401, 422, 500) and debug-level logging, no log line, status output (JSON and `outpostctl
// status`), dead-letter answer or file the agent wrote holds a configured password, a bearer
// token the upstream issued, or private key material; configuration errors never echo a
// secret's value either; the files it writes are readable by its user only.
//
// The simulator stores only hashes of the tokens it issues; started with --expose-tokens it also
// hands the test the real values (GET /admin/issued-tokens) to search for.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "agent_harness.hpp"
#include "test_paths.hpp"
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

struct Output {
    std::string where;
    std::string text;
};

// `outpostctl status` as an operator sees it.
std::string outpostctl_status(const std::string& socket, const TempDir& scratch) {
    auto argv = paths::argv_of(paths::kOutpostctl);
    argv.insert(argv.end(), {"--socket", socket, "status"});
    ChildProcess outpostctl(argv, scratch.file("outpostctl-status.txt"));
    EXPECT_TRUE(wait_until([&] { return !outpostctl.running(); }));
    return outpostctl.log();
}

// Everything an operator or another user of the device could read from one agent: its log,
// status in both forms, its dead letters, and every file in its state directory (the database
// included: tokens and passwords have no business there either).
void collect(std::vector<Output>& outputs, const std::string& who, AgentHarness& agent, const TempDir& state,
             const TempDir& scratch) {
    outputs.push_back({who + " log", agent.log()});
    outputs.push_back({who + " status", agent.status().dump()});
    outputs.push_back({who + " outpostctl status", outpostctl_status(agent.socket_path(), scratch)});
    const auto dead = agent.call({{"cmd", "dead.list"}});
    outputs.push_back({who + " dead.list", dead.dump()});
    for (const auto& operation : dead.value("dead", nlohmann::json::array())) {
        outputs.push_back({who + " dead.show", agent.call({{"cmd", "dead.show"}, {"id", operation["id"]}}).dump()});
    }
    for (const auto& entry : std::filesystem::directory_iterator(state.path())) {
        const std::string name = entry.path().filename().string();
        // The config the test wrote holds the password by design; the socket has no content.
        if (name == "outpostd.toml" || name == "outpostd.sock") continue;
        outputs.push_back({who + " file " + name, read_all(entry.path().string())});
    }
}

TEST(Secrets, NoSecretInLogsStatusOrFilesThroughLoginDeliveryAndFailures) {
    SimulatorOptions options;
    options.din_password = "s3cret-din-passw0rd";
    options.extra_args = {"--expose-tokens"};
    Simulator sim(options);
    const std::string wrong_password = "wr0ng-but-still-s3cret";
    TempDir scratch;
    std::vector<Output> outputs;
    {
        // A device configured with the wrong password: the upstream refuses its login (401).
        TempDir state;
        AgentHarness refused(sim, /*link_up=*/true, &state, wrong_password);
        refused.enqueue_picking("SSL-REFUSED", 1);
        ASSERT_TRUE(wait_until([&] { return refused.status()["upstreams"]["din"]["auth"] == "failed"; }))
            << refused.log();
        collect(outputs, "refused agent", refused, state, scratch);
    }
    TempDir state;
    {
        AgentHarness agent(sim, /*link_up=*/false, &state);  // log_level = debug
        sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {500, 422}}});
        for (int i = 0; i < 6; ++i) agent.enqueue_picking("SSL-S", i);
        agent.set_link(true);
        ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"].get<int>() >= 2; })) << agent.log();
        sim.admin_post("/admin/expire-tokens");  // a 401 on delivery, and a new login
        ASSERT_TRUE(wait_until([&] {
            const auto status = agent.status();
            return status["outbox"]["delivered"].get<int>() + status["outbox"]["dead"].get<int>() == 6;
        })) << agent.log();
        const auto stats = sim.stats();
        ASSERT_GE(stats["logins"].get<int>(), 2) << stats.dump();         // two tokens issued to search for
        ASSERT_GE(stats["unauthorized"].get<int>(), 2) << stats.dump();   // the refused login and the 401
        ASSERT_GE(stats["server_errors"].get<int>(), 1) << stats.dump();  // the 500
        ASSERT_GE(agent.status()["outbox"]["dead"].get<int>(), 1);        // the 422
        ASSERT_NE(agent.log().find("<7>debug"), std::string::npos) << "debug logging was not on";
        collect(outputs, "agent", agent, state, scratch);

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

    std::vector<std::string> secrets = {options.din_password, wrong_password};
    const auto tokens = sim.admin_get("/admin/issued-tokens")["tokens"];
    ASSERT_GE(tokens.size(), 2u) << tokens.dump();
    for (const auto& token : tokens) secrets.push_back(token.get<std::string>());
    const auto key_lines = key_material(pki_file("client.key"));
    ASSERT_FALSE(key_lines.empty());
    secrets.insert(secrets.end(), key_lines.begin(), key_lines.end());

    for (const auto& [where, text] : outputs) {
        for (const auto& secret : secrets) {
            EXPECT_EQ(text.find(secret), std::string::npos)
                << "a secret (" << secret.substr(0, 4) << "...) appears in " << where;
        }
    }
    // The simulator promises the same of itself (the tokens' values only leave it through the
    // admin call above).
    for (const auto& secret : secrets) EXPECT_EQ(sim.log().find(secret), std::string::npos) << "in the simulator's log";
}

// Runs a command line, returns its exit status and combined output.
int run(const std::string& command, std::string& output) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[512];
    output.clear();
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Secrets, ConfigurationErrorsNeverEchoASecret) {
    TempDir dir;
    const std::string client_secret = "cs-Very-Secret-0001";
    const std::string api_key = "ak-Very-Secret-0002";
    const std::string password = "pw-Very-Secret-0003";
    std::ofstream(dir.file("group-readable.password")) << password << "\n";
    ::chmod(dir.file("group-readable.password").c_str(), 0640);
    const std::string head = "device_id = \"d\"\n[storage]\noutbox_path = \"o.db\"\n[control]\nsocket_path = \"s\"\n"
                             "[tls]\nca_file = \"" + pki_file("ca.pem") + "\"\ncert_file = \"" + pki_file("client.pem") +
                             "\"\nkey_file = \"" + pki_file("client.key") + "\"\n";
    const std::vector<std::pair<std::string, std::string>> configs = {
        // A client secret for an upstream this build has no connector for.
        {"unknown-upstream", "[upstream.sales-order]\nbase_url = \"https://x\"\nclient_secret = \"" + client_secret + "\"\n"},
        // A client secret the DIN connector does not take, next to its password.
        {"din-client-secret", "[upstream.din]\nbase_url = \"https://x\"\nusername = \"u\"\npassword = \"" + password +
                                  "\"\nclient_secret = \"" + client_secret + "\"\n"},
        // A secret of the wrong type.
        {"api-key-type", "[upstream.din]\nbase_url = \"https://x\"\nusername = \"u\"\napi_key = [\"" + api_key + "\"]\n"},
        // Both forms of one secret.
        {"both-forms", "[upstream.din]\nbase_url = \"https://x\"\nusername = \"u\"\npassword = \"" + password +
                           "\"\npassword_file = \"group-readable.password\"\n"},
        // A password file others may read: refused without reading it out.
        {"readable-file", "[upstream.din]\nbase_url = \"https://x\"\nusername = \"u\"\npassword_file = \"" +
                              dir.file("group-readable.password") + "\"\n"},
        // A line TOML cannot parse, holding a secret.
        {"broken-toml", "[upstream.din]\npassword = \"" + password + "\n"},
    };
    for (const auto& [name, tail] : configs) {
        const std::string path = dir.file(name + ".toml");
        std::ofstream(path) << head << tail;
        std::string output;
        // A real start, not --check-config: connectors check their tables when the agent is made.
        // (timeout: a start that wrongly succeeded ends the test instead of hanging it.)
        EXPECT_EQ(run("timeout 20 " + std::string(paths::kOutpostd) + " --config " + path, output), 1) << name << ": " << output;
        for (const auto& secret : {client_secret, api_key, password}) {
            EXPECT_EQ(output.find(secret), std::string::npos) << name << " echoed a secret: " << output;
        }
    }
}

}  // namespace
}  // namespace outpost::testing
