// Secrets never leave the agent. With every upstream family that has a secret configured (DIN,
// SMILE orders and PMP passwords, the Sales Order client secret and signing key, the SmartSeller
// API key), through logins (refused and accepted), deliveries, failures (401, 422, 500) and
// debug-level logging, no log line, status output (JSON and `outpostctl status`), dead-letter
// answer or file the agent wrote holds a configured secret, a token an upstream issued (DIN,
// SMILE orders and PMP tokens, Sales Order JWTs), or private key material; configuration errors
// never echo a secret's value either; the files it writes are readable by its user only.
//
// The simulator stores only hashes of the tokens it issues; started with --expose-tokens it also
// hands the test the real values (GET /admin/issued-tokens) to search for.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <algorithm>
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

// The other upstream families' secrets, each known to the simulator and configured in the agent.
constexpr const char* kSalesClientSecret = "so-client-s3cret-0042";
constexpr const char* kPmpPassword = "pmp-s3cret-passw0rd";
constexpr const char* kSmartSellerKey = "ss-s3cret-api-key-0042";
constexpr const char* kOrdersPassword = "orders-s3cret-passw0rd";

std::string other_upstreams(const Simulator& sim) {
    return "[upstream.sales-order]\nbase_url = \"" + sim.base_url() + "/sales-order\"\n" +
           "client_id = \"partner-client-001\"\nclient_secret = \"" + kSalesClientSecret + "\"\n" +
           "signing_key_file = \"" + pki_file("signing.key") + "\"\n" +
           "[upstream.pmp]\nbase_url = \"" + sim.base_url() + "/pmp\"\nemail = \"api@pmpsmart.com\"\n" +
           "password = \"" + kPmpPassword + "\"\n" +
           "[upstream.smartseller]\nbase_url = \"" + sim.base_url() + "\"\napi_key = \"" + kSmartSellerKey + "\"\n" +
           "[upstream.smile-orders]\nbase_url = \"" + sim.base_url() + "\"\nusername = \"orders@test.example\"\n" +
           "password = \"" + kOrdersPassword + "\"\n";
}

void enqueue(AgentHarness& agent, const char* kind, const nlohmann::json& payload) {
    const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", kind}, {"payload", payload}});
    ASSERT_TRUE(answer.value("ok", false)) << kind << ": " << answer.dump();
}

TEST(Secrets, NoSecretInLogsStatusOrFilesThroughLoginDeliveryAndFailures) {
    SimulatorOptions options;
    options.din_password = "s3cret-din-passw0rd";
    options.extra_args = {"--expose-tokens",
                          "--sales-client-id", "partner-client-001",
                          "--sales-client-secret", kSalesClientSecret,
                          "--sales-public-key", pki_file("signing.pub"),
                          "--pmp-email", "api@pmpsmart.com",
                          "--pmp-password", kPmpPassword,
                          "--smartseller-api-key", kSmartSellerKey,
                          "--orders-user", "orders@test.example",
                          "--orders-password", kOrdersPassword};
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
        AgentSettings settings;  // log_level = debug
        settings.extra_config = other_upstreams(sim);
        AgentHarness agent(sim, settings, &state);
        sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {500, 422}}});
        for (int i = 0; i < 6; ++i) agent.enqueue_picking("SSL-S", i);
        enqueue(agent, "sales-order",
                {{"customer_code", "CUST-9"}, {"site_code", "SITE-001"}, {"sales_name", "John Doe"},
                 {"address", "Jl. Sudirman No. 1"}, {"purchase_order_no", "PO-S-1"},
                 {"products", {{{"product_code", "PROD-001"}, {"quantity", 2}}}}});
        enqueue(agent, "pmp-order-insert",
                {{"kode_order", "PMP-S-1"}, {"json_data", {{"outlet", "OUT-001"}, {"lines", {{{"sku", "A-1"}, {"qty", 2}}}}}},
                 {"status", "new"}});
        enqueue(agent, "stock-sync", {{"variation_id", 1003}, {"amount", 42}});
        sim.admin_post("/admin/orders", {{"id", 48211}, {"key_ssl", "SSL-2026-48211"}, {"status", "pending"},
                                         {"items", {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 20}}}}});
        enqueue(agent, "order-status",
                {{"order_id", 48211}, {"status", "confirms"}, {"comment", "picked"}, {"updated_at", "2026-11-23T10:01:00+07:00"}});
        agent.set_link(true);
        ASSERT_TRUE(wait_until([&] {
            const auto status = agent.status();
            return status["outbox"]["delivered"].get<int>() + status["outbox"]["dead"].get<int>() == 10;
        })) << agent.status().dump() << "\n" << agent.log();
        sim.admin_post("/admin/expire-tokens");  // the next picking meets a 401, and logs in again
        agent.enqueue_picking("SSL-S", 6);
        ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"].get<int>() == 10; }))
            << agent.status().dump() << "\n" << agent.log();
        const auto stats = sim.stats();
        ASSERT_GE(stats["by_path"]["/ifp/login"].get<int>(), 3) << stats.dump();  // refused, first, after the 401
        ASSERT_GE(stats["unauthorized"].get<int>(), 2) << stats.dump();   // the refused login and the 401
        ASSERT_GE(stats["server_errors"].get<int>(), 1) << stats.dump();  // the 500
        // Every upstream logged in and delivered; the one dead letter is DIN's 422.
        ASSERT_EQ(agent.status()["outbox"]["delivered"], 10) << agent.status().dump();
        ASSERT_EQ(agent.status()["outbox"]["dead"], 1) << agent.status().dump();
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

    std::vector<std::string> secrets = {options.din_password, wrong_password, kSalesClientSecret, kPmpPassword,
                                        kSmartSellerKey, kOrdersPassword};
    const auto tokens = sim.admin_get("/admin/issued-tokens")["tokens"];
    ASSERT_GE(tokens.size(), 5u) << tokens.dump();  // DIN twice, SMILE orders, PMP, Sales Order
    EXPECT_TRUE(std::any_of(tokens.begin(), tokens.end(), [](const auto& token) {
        return token.template get<std::string>().find('.') != std::string::npos;
    })) << "no Sales Order JWT among " << tokens.dump();
    for (const auto& token : tokens) secrets.push_back(token.get<std::string>());
    for (const char* key : {"client.key", "signing.key"}) {
        const auto key_lines = key_material(pki_file(key));
        ASSERT_FALSE(key_lines.empty()) << key;
        secrets.insert(secrets.end(), key_lines.begin(), key_lines.end());
    }

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
