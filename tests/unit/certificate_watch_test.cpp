// The client certificate's expiry, read from the test PKI's real certificates with Mbed TLS, at
// chosen points in time: fine, inside the warning window, expired, not yet valid, unreadable.

#include <gtest/gtest.h>

#include <fstream>

#include "outpost/agent/certificate_watch.hpp"
#include "outpost/transport/certificate_info.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"

namespace outpost::agent {
namespace {

using outpost::testing::pki_file;
using namespace std::chrono_literals;

// The watch's clock, set by each test.
std::chrono::system_clock::time_point fake_now;
std::chrono::system_clock::time_point now_for_test() { return fake_now; }

transport::CertificateInfo client_certificate() {
    auto info = transport::read_certificate(pki_file("client.pem"));
    if (!info) throw std::runtime_error(info.error().describe());
    return *info;
}

TEST(CertificateInfo, ReadsSubjectIssuerAndValidityWithMbedTls) {
    auto info = transport::read_certificate(pki_file("expired.pem"));
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->subject, "O=Outpost Dev, CN=localhost");
    EXPECT_EQ(info->issuer, "O=Outpost Dev, CN=Outpost Dev CA");
    // tools/pki gives this one fixed dates: 2020-01-01 to 2021-01-01 (UTC).
    EXPECT_EQ(std::chrono::system_clock::to_time_t(info->not_before), 1577836800);
    EXPECT_EQ(std::chrono::system_clock::to_time_t(info->not_after), 1609459200);
}

TEST(CertificateInfo, DatesPast2038AreRead) {
    // tools/pki: valid 2089-01-01 to 2090-01-01. (32-bit time_t, as on armhf, ends in 2038.)
    auto info = transport::read_certificate(pki_file("notyetvalid.pem"));
    ASSERT_TRUE(info) << info.error().describe();
    const auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(info->not_before.time_since_epoch());
    EXPECT_EQ(since_epoch.count(), 3755376000LL);
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(info->not_after - info->not_before).count(), 365 * 24);
}

TEST(CertificateInfo, SomethingElseIsAnErrorNamingTheFile) {
    outpost::testing::TempDir dir;
    std::ofstream(dir.file("not-a-cert.pem")) << "hello\n";
    for (const std::string& path : {dir.file("not-a-cert.pem"), dir.file("missing.pem"), pki_file("client.key")}) {
        auto info = transport::read_certificate(path);
        ASSERT_FALSE(info) << path;
        EXPECT_NE(info.error().message.find(path), std::string::npos) << info.error().message;
    }
}

TEST(CertificateWatch, FineWhenFarFromExpiry) {
    const auto certificate = client_certificate();
    fake_now = certificate.not_after - 100 * 24h;
    CertificateWatch watch(pki_file("client.pem"), 30, &now_for_test);
    ASSERT_TRUE(watch.check());
    const auto status = watch.status();
    EXPECT_EQ(status["state"], "ok");
    EXPECT_TRUE(status["warning"].is_null());
    EXPECT_EQ(status["days_left"], 100);
    EXPECT_EQ(status["subject"], "O=Outpost Dev, CN=outpost-dev-device");
}

TEST(CertificateWatch, WarnsInsideTheConfiguredWindow) {
    const auto certificate = client_certificate();
    CertificateWatch watch(pki_file("client.pem"), 30, &now_for_test);
    fake_now = certificate.not_after - 30 * 24h - 1h;  // just outside
    ASSERT_TRUE(watch.check());
    EXPECT_EQ(watch.status()["state"], "ok");
    fake_now = certificate.not_after - 12 * 24h - 1h;
    const auto status = watch.status();  // the time moved on; the file was read once
    EXPECT_EQ(status["state"], "expiring");
    EXPECT_EQ(status["days_left"], 12);
    const std::string warning = status["warning"];
    EXPECT_NE(warning.find("expires in 12 days"), std::string::npos) << warning;
    EXPECT_NE(warning.find(pki_file("client.pem")), std::string::npos) << warning;
    EXPECT_NE(warning.find("tls.client_cert_warn_days"), std::string::npos) << warning;
}

TEST(CertificateWatch, ExpiredAndNotYetValidAreTold) {
    const auto certificate = client_certificate();
    CertificateWatch watch(pki_file("client.pem"), 30, &now_for_test);
    fake_now = certificate.not_after + 1h;
    ASSERT_TRUE(watch.check());  // readable: the agent still starts, and says so
    EXPECT_EQ(watch.status()["state"], "expired");
    EXPECT_NE(watch.status()["warning"].get<std::string>().find("expired on"), std::string::npos);
    fake_now = certificate.not_before - 48h;
    EXPECT_EQ(watch.status()["state"], "not_yet_valid");
    EXPECT_NE(watch.status()["warning"].get<std::string>().find("clock"), std::string::npos);
}

TEST(CertificateWatch, ZeroDaysWarnsOnlyOnceExpired) {
    const auto certificate = client_certificate();
    CertificateWatch watch(pki_file("client.pem"), 0, &now_for_test);
    fake_now = certificate.not_after - 1h;
    ASSERT_TRUE(watch.check());
    EXPECT_EQ(watch.status()["state"], "ok");
}

TEST(CertificateWatch, UnreadableFileIsAnErrorAndAState) {
    outpost::testing::TempDir dir;
    std::ofstream(dir.file("client.pem")) << "not a certificate\n";
    fake_now = std::chrono::system_clock::now();
    CertificateWatch watch(dir.file("client.pem"), 30, &now_for_test);
    EXPECT_FALSE(watch.check());
    const auto status = watch.status();
    EXPECT_EQ(status["state"], "unreadable");
    EXPECT_TRUE(status["days_left"].is_null());
    EXPECT_NE(status["warning"].get<std::string>().find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace outpost::agent
