// Prometheus text from the status document.

#include <gtest/gtest.h>

#include "outpost/agent/metrics.hpp"

namespace outpost::agent {
namespace {

TEST(Metrics, StatusBecomesPrometheusText) {
    const nlohmann::json status = {
        {"link", "up"},
        {"outbox", {{"pending", 3}, {"in_flight", 1}, {"delivered", 10}, {"dead", 0}, {"full", false},
                    {"undelivered_bytes", 1200}, {"oldest_pending_age_s", nullptr}, {"quarantine", nullptr}}},
        {"upstreams", {{"din", {{"circuit", "open"}, {"auth", "ok"}, {"delivered_since_start", 10},
                                {"consecutive_failures", 5}, {"stalled", false}}}}},
        {"parked_lanes", nlohmann::json::array({{{"lane", "x"}}})},
        {"client_certificate", {{"state", "expiring"}, {"days_left", 9}}}};
    const std::string text = prometheus_metrics(status);
    EXPECT_NE(text.find("# TYPE outpost_outbox_operations gauge\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_outbox_operations{state=\"pending\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_link_up 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_upstream_delivered_total{upstream=\"din\"} 10\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_upstream_circuit_open{upstream=\"din\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_outbox_full 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_parked_lanes 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_client_certificate_days_left 9\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_client_certificate_warning 1\n"), std::string::npos) << text;
    // A null field (no pending operation has an age) is left out, not reported as 0.
    EXPECT_EQ(text.find("\noutpost_outbox_oldest_pending_age_seconds "), std::string::npos) << text;
    // Every sample line belongs to a family announced before it.
    EXPECT_LT(text.find("# HELP outpost_upstream_stalled"), text.find("outpost_upstream_stalled{"));
}

TEST(Metrics, CatalogFlagsAndPulls) {
    const nlohmann::json status = {
        {"catalog", {{"flagged_since_start", 4},
                     {"pulls", {{"wms/master-data", {{"pulls_completed", 2}, {"consecutive_failures", 1}}}}}}}};
    const std::string text = prometheus_metrics(status);
    EXPECT_NE(text.find("outpost_catalog_flagged_total 4\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_catalog_pulls_total{puller=\"wms/master-data\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("outpost_catalog_pull_consecutive_failures{puller=\"wms/master-data\"} 1\n"), std::string::npos)
        << text;
}

}  // namespace
}  // namespace outpost::agent
