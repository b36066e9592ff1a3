// Transport against the upstream simulator over real mutual TLS on loopback: libcurl on
// Mbed TLS on our side, cpp-httplib on OpenSSL on the other.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/transport/http_client.hpp"
#include "outpost/transport/library_versions.hpp"
#include "simulator.hpp"

namespace outpost::transport {
namespace {

using outpost::testing::pki_file;
using outpost::testing::Simulator;

TlsSettings mutual_tls() { return {pki_file("ca.pem"), pki_file("client.pem"), pki_file("client.key")}; }

Request login_request(const Simulator& sim, const std::string& host = "localhost") {
    Request request;
    request.url = sim.base_url(host) + "/ifp/login";
    request.headers = {{"Content-Type", "application/json"}, {"X-Device-Id", "test-device"}};
    request.body = R"({"username":"demo","password":"demo-password"})";
    return request;
}

class TransportTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { sim = new Simulator(); }
    static void TearDownTestSuite() {
        delete sim;
        sim = nullptr;
    }
    static Simulator* sim;
};
Simulator* TransportTest::sim = nullptr;

TEST_F(TransportTest, LinkedAgainstMbedTls) {
    EXPECT_TRUE(require_mbedtls_backend()) << library_versions().tls_backend;
    EXPECT_EQ(library_versions().tls_backend.rfind("mbedTLS/3.6", 0), 0u);
}

TEST_F(TransportTest, MutualTlsLoginSucceedsAndConnectionIsReused) {
    auto client = HttpClient::create(mutual_tls(), {});
    ASSERT_TRUE(client) << client.error().describe();
    for (int i = 0; i < 3; ++i) {
        auto response = (*client)->perform(login_request(*sim));
        ASSERT_TRUE(response) << response.error().describe() << "\n" << sim->log();
        EXPECT_EQ(response->status, 200);
        auto body = nlohmann::json::parse(response->body);
        EXPECT_TRUE(body["data"]["token"].is_string());
    }
    // Checked through the IP literal too: the certificate carries IP:127.0.0.1.
    auto by_ip = (*client)->perform(login_request(*sim, "127.0.0.1"));
    ASSERT_TRUE(by_ip) << by_ip.error().describe();
    EXPECT_EQ(by_ip->status, 200);
}

TEST_F(TransportTest, StatusIsReportedNotTreatedAsTransportFailure) {
    auto client = HttpClient::create(mutual_tls(), {});
    ASSERT_TRUE(client);
    auto request = login_request(*sim);
    request.body = R"({"username":"demo","password":"wrong"})";
    auto response = (*client)->perform(request);
    ASSERT_TRUE(response) << response.error().describe();
    EXPECT_EQ(response->status, 401);
}

TEST_F(TransportTest, NoClientCertificateIsRefusedWithAClearError) {
    auto client = HttpClient::create({pki_file("ca.pem"), "", ""}, {});
    ASSERT_TRUE(client);
    auto response = (*client)->perform(login_request(*sim));
    // Either the handshake fails, or (TLS 1.3) the server's alert ends the session on the first
    // read, or the server has closed before our request was written and the alert is lost (the
    // usual case under qemu-user): then it is a lost connection whose message names the cause.
    // A server that answered 400 instead would be caught by the status check.
    if (response) {
        EXPECT_GE(response->status, 400) << "server accepted a request without a client certificate";
    } else {
        const auto kind = failure_kind(response.error());
        EXPECT_TRUE(kind == FailureKind::TlsHandshake || kind == FailureKind::Io) << response.error().describe();
        EXPECT_NE(response.error().message.find("client certificate"), std::string::npos)
            << response.error().describe();
    }
}

TEST_F(TransportTest, ClientCertificateFromAnotherCaIsRefused) {
    auto client = HttpClient::create({pki_file("ca.pem"), pki_file("other-client.pem"), pki_file("other-client.key")}, {});
    ASSERT_TRUE(client);
    auto response = (*client)->perform(login_request(*sim));
    // As without a certificate: the refusal is a TLS alert, or a lost connection when the
    // server's close wins the race with our first write; either way the message names the cause.
    if (response) {
        EXPECT_GE(response->status, 400);
    } else {
        const auto kind = failure_kind(response.error());
        EXPECT_TRUE(kind == FailureKind::TlsHandshake || kind == FailureKind::Io) << response.error().describe();
        EXPECT_NE(response.error().message.find("client certificate"), std::string::npos) << response.error().describe();
    }
}

TEST_F(TransportTest, UntrustedServerCaIsRefusedWithAClearError) {
    auto client = HttpClient::create({pki_file("other-ca.pem"), pki_file("client.pem"), pki_file("client.key")}, {});
    ASSERT_TRUE(client);
    auto response = (*client)->perform(login_request(*sim));
    ASSERT_FALSE(response) << "connected to a server whose CA is not configured";
    EXPECT_EQ(failure_kind(response.error()), FailureKind::ServerUntrusted) << response.error().describe();
    EXPECT_NE(response.error().message.find("not trusted"), std::string::npos) << response.error().describe();
}

TEST_F(TransportTest, WrongHostNameIsRefusedWithAClearError) {
    Simulator wrong_host({.server_cert = "wronghost.pem", .server_key = "wronghost.key"});
    auto client = HttpClient::create(mutual_tls(), {});
    ASSERT_TRUE(client);
    auto response = (*client)->perform(login_request(wrong_host));
    ASSERT_FALSE(response) << "accepted a certificate issued for another host";
    EXPECT_EQ(failure_kind(response.error()), FailureKind::HostNameMismatch) << response.error().describe();
    EXPECT_NE(response.error().message.find("host name"), std::string::npos) << response.error().describe();
}

TEST_F(TransportTest, PlainHttpIsRefused) {
    auto client = HttpClient::create(mutual_tls(), {});
    ASSERT_TRUE(client);
    Request request = login_request(*sim);
    request.url = "http://127.0.0.1:" + std::to_string(sim->port()) + "/ifp/login";
    auto response = (*client)->perform(request);
    ASSERT_FALSE(response);
    EXPECT_EQ(failure_kind(response.error()), FailureKind::Configuration);
}

TEST_F(TransportTest, NothingListeningIsAConnectFailure) {
    auto client = HttpClient::create(mutual_tls(), {std::chrono::milliseconds(2000), std::chrono::milliseconds(3000)});
    ASSERT_TRUE(client);
    Request request = login_request(*sim);
    request.url = "https://127.0.0.1:1/ifp/login";  // port 1: nothing listens there
    auto response = (*client)->perform(request);
    ASSERT_FALSE(response);
    EXPECT_EQ(failure_kind(response.error()), FailureKind::Connect) << response.error().describe();
}

TEST_F(TransportTest, MissingKeyFileIsAConfigurationError) {
    auto client = HttpClient::create({pki_file("ca.pem"), pki_file("client.pem"), pki_file("nope.key")}, {});
    ASSERT_FALSE(client);
    EXPECT_NE(client.error().message.find("nope.key"), std::string::npos);
}

}  // namespace
}  // namespace outpost::transport
