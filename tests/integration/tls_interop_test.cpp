// TLS interop through outpostd itself (connector, transport on Mbed TLS) against the upstream
// simulator (OpenSSL): delivery over the whole matrix of TLS 1.2 / TLS 1.3 servers with ECDSA /
// RSA certificates, and servers that must be refused, whose reason reaches the upstream's
// last_error in status and the log. transport_test checks the same refusals' failure kinds.

#include <gtest/gtest.h>

#include <string>

#include "agent_harness.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

AgentSettings online(const std::string& ca_file = "ca.pem") {
    AgentSettings settings;
    settings.link_up = true;
    settings.ca_file = ca_file;
    return settings;
}

struct MatrixCase {
    const char* name;
    const char* version;  // the only TLS version the server offers
    bool rsa;             // server certificate (and its CA) RSA 2048, else ECDSA P-256
};

class TlsMatrixTest : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(TlsMatrixTest, DeliversAndSpeaksTheOnlyVersionOffered) {
    const MatrixCase& matrix = GetParam();
    const std::string version = matrix.version;
    SimulatorOptions options;
    if (matrix.rsa) {
        options.server_cert = pki_rsa_file("server.pem");
        options.server_key = pki_rsa_file("server.key");
    }
    // The device keeps its ECDSA identity either way; only the server's side changes.
    options.extra_args = {"--tls-min", version, "--tls-max", version};
    Simulator sim(options);
    AgentHarness agent(sim, online(matrix.rsa ? pki_rsa_file("ca.pem") : "ca.pem"));
    for (int i = 0; i < 3; ++i) agent.enqueue_picking("SSL-TLS", i);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"].get<int>() == 3; }))
        << agent.status().dump() << "\n" << agent.log() << "\n" << sim.log();
    EXPECT_EQ(sim.accepted()["pickings"].size(), 3u);
    // Every handshake the server completed was of the one version it offers.
    const auto versions = sim.stats()["tls_versions"];
    const std::string expected = "TLSv" + version;
    EXPECT_GE(versions.value(expected, 0), 1) << versions.dump();
    EXPECT_EQ(versions.size(), 1u) << versions.dump();
}

INSTANTIATE_TEST_SUITE_P(Servers, TlsMatrixTest,
                         ::testing::Values(MatrixCase{"Tls12Ecdsa", "1.2", false}, MatrixCase{"Tls12Rsa", "1.2", true},
                                           MatrixCase{"Tls13Ecdsa", "1.3", false}, MatrixCase{"Tls13Rsa", "1.3", true}),
                         [](const ::testing::TestParamInfo<MatrixCase>& param_info) { return std::string(param_info.param.name); });

struct RefusalCase {
    const char* name;
    const char* server;    // server certificate and key in the test PKI
    const char* ca;        // the agent's tls.ca_file
    const char* version;   // the only TLS version offered, or "" for the default range
    const char* reason;    // what status and the log must say
};

class TlsRefusalTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(TlsRefusalTest, ReasonReachesStatusAndLog) {
    const RefusalCase& refusal = GetParam();
    SimulatorOptions options;
    options.server_cert = std::string(refusal.server) + ".pem";
    options.server_key = std::string(refusal.server) + ".key";
    if (std::string(refusal.version).size() > 0) {
        options.extra_args = {"--tls-min", refusal.version, "--tls-max", refusal.version};
    }
    Simulator sim(options);
    AgentHarness agent(sim, online(refusal.ca));
    agent.enqueue_picking("SSL-REFUSED", 1);
    std::string last_error;
    ASSERT_TRUE(wait_until([&] {
        last_error = agent.status()["upstreams"]["din"].value("last_error", "");
        return last_error.find(refusal.reason) != std::string::npos;
    })) << "last_error: " << last_error << "\n" << agent.log();
    // The log line (a warning: the operation waits for a retry) says the same.
    EXPECT_TRUE(wait_until([&] {
        const std::string log = agent.log();
        for (std::size_t at = log.find(refusal.reason); at != std::string::npos; at = log.find(refusal.reason, at + 1)) {
            const std::size_t line_start = log.rfind('\n', at) + 1;
            if (log.compare(line_start, 10, "<4>warning") == 0) return true;
        }
        return false;
    })) << agent.log();
    EXPECT_EQ(agent.status()["outbox"]["delivered"], 0);
    EXPECT_EQ(sim.stats()["accepted"], 0);
}

INSTANTIATE_TEST_SUITE_P(
    Servers, TlsRefusalTest,
    ::testing::Values(RefusalCase{"Expired", "expired", "ca.pem", "", "has expired"},
                      RefusalCase{"NotYetValid", "notyetvalid", "ca.pem", "", "not valid yet"},
                      RefusalCase{"UntrustedCa", "server", "other-ca.pem", "", "not in the configured CA bundle"},
                      RefusalCase{"WrongHostName", "wronghost", "ca.pem", "", "not valid for this host name"},
                      RefusalCase{"SelfSigned", "selfsigned", "ca.pem", "", "self-signed"},
                      RefusalCase{"Tls10Only", "server", "ca.pem", "1.0", "protocol_version"},
                      RefusalCase{"Tls11Only", "server", "ca.pem", "1.1", "protocol_version"}),
    [](const ::testing::TestParamInfo<RefusalCase>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace outpost::testing
