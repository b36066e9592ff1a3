// outpostd warns about its client certificate running out: in status (JSON and `outpostctl
// status`), and in the log at start and periodically, with the link down (no network involved).

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "agent_process.hpp"
#include "simulator.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

int count_of(const std::string& text, const std::string& what) {
    int count = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

// `outpostctl status` as an operator runs it.
std::string outpostctl_status(const AgentProcess& agent, const TempDir& dir) {
    auto argv = paths::argv_of(paths::kOutpostctl);
    argv.insert(argv.end(), {"--socket", agent.socket_path(), "status"});
    ChildProcess outpostctl(argv, dir.file("outpostctl.out"));
    EXPECT_TRUE(wait_until([&] { return !outpostctl.running(); }));
    return outpostctl.log();
}

TEST(ClientCertificateExpiry, WarnsInStatusAndLogAtStartAndPeriodicallyWhileOffline) {
    TempDir state;
    AgentSettings settings;  // link down: offline
    settings.client_cert = "client-expiring.pem";  // tools/pki: expires in 10 days
    settings.client_key = "client-expiring.key";
    settings.tls_extra = "client_cert_check_interval_s = 1\n";  // default warn_days: 30
    AgentProcess agent(state, settings);

    const auto status = agent.status();
    ASSERT_EQ(status["link"], "down");
    const auto certificate = status["client_certificate"];
    EXPECT_EQ(certificate["state"], "expiring") << certificate.dump();
    EXPECT_EQ(certificate["warn_days"], 30);
    EXPECT_GE(certificate["days_left"].get<int>(), 8);
    EXPECT_LE(certificate["days_left"].get<int>(), 10);
    const std::string warning = certificate["warning"];
    EXPECT_NE(warning.find("expires in"), std::string::npos) << warning;
    EXPECT_NE(warning.find("client-expiring.pem"), std::string::npos) << warning;

    // At start, then again at each check (every second here).
    const std::string logged = "<4>warning tls: the client certificate";
    EXPECT_TRUE(wait_until([&] { return count_of(agent.log(), logged) >= 3; })) << agent.log();

    const std::string text = outpostctl_status(agent, state);
    EXPECT_NE(text.find("WARNING   the client certificate"), std::string::npos) << text;
    EXPECT_NE(text.find("expires in"), std::string::npos) << text;
}

TEST(ClientCertificateExpiry, FarFromExpiryIsQuietAndTheWindowIsConfigurable) {
    {
        TempDir state;
        AgentProcess agent(state, AgentSettings{});  // client.pem: a year
        const auto certificate = agent.status()["client_certificate"];
        EXPECT_EQ(certificate["state"], "ok") << certificate.dump();
        EXPECT_TRUE(certificate["warning"].is_null());
        EXPECT_NE(agent.log().find("<6>info tls: client certificate O=Outpost Dev, CN=outpost-dev-device valid until"),
                  std::string::npos)
            << agent.log();
        EXPECT_EQ(agent.log().find("warning tls:"), std::string::npos) << agent.log();
        EXPECT_NE(outpostctl_status(agent, state).find("client    certificate valid until"), std::string::npos);
    }
    {
        TempDir state;
        AgentSettings settings;
        settings.tls_extra = "client_cert_warn_days = 400\n";
        AgentProcess agent(state, settings);
        EXPECT_EQ(agent.status()["client_certificate"]["state"], "expiring");
        EXPECT_NE(agent.log().find("<4>warning tls: the client certificate"), std::string::npos) << agent.log();
    }
}

TEST(ClientCertificateExpiry, UnreadableCertificateRefusesToStart) {
    TempDir state;
    std::ofstream(state.file("broken.pem")) << "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
    AgentSettings settings;
    settings.client_cert = state.file("broken.pem");
    try {
        AgentProcess agent(state, settings);
        FAIL() << "outpostd started with an unreadable client certificate:\n" << agent.log();
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("tls.cert_file"), std::string::npos) << what;
        EXPECT_NE(what.find("broken.pem"), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace outpost::testing
