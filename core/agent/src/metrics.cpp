#include "outpost/agent/metrics.hpp"

#include <sstream>

namespace outpost::agent {
namespace {

class Writer {
public:
    // One metric family: HELP and TYPE once, then its samples.
    void family(const std::string& name, const std::string& type, const std::string& help) {
        out_ << "# HELP outpost_" << name << ' ' << help << "\n# TYPE outpost_" << name << ' ' << type << '\n';
    }
    void sample(const std::string& name, const std::string& labels, const nlohmann::json& value) {
        if (!value.is_number() && !value.is_boolean()) return;
        out_ << "outpost_" << name;
        if (!labels.empty()) out_ << '{' << labels << '}';
        out_ << ' ' << (value.is_boolean() ? (value.get<bool>() ? "1" : "0") : value.dump()) << '\n';
    }
    [[nodiscard]] std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
};

// Label values are upstream names and states from our own document, but escape anyway.
std::string label(const std::string& name, const std::string& value) {
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"') escaped += '\\';
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        escaped += c;
    }
    return name + "=\"" + escaped + "\"";
}

}  // namespace

std::string prometheus_metrics(const nlohmann::json& status) {
    Writer writer;
    const nlohmann::json outbox = status.value("outbox", nlohmann::json::object());
    writer.family("link_up", "gauge", "1 when the device's network link is up.");
    writer.sample("link_up", "", status.value("link", "") == "up");

    writer.family("outbox_operations", "gauge", "Operations in the outbox by state.");
    for (const char* state : {"pending", "in_flight", "delivered", "dead"}) {
        if (outbox.contains(state)) writer.sample("outbox_operations", label("state", state), outbox[state]);
    }
    const struct {
        const char* field;
        const char* name;
        const char* type;
        const char* help;
    } outbox_metrics[] = {
        {"undelivered_bytes", "outbox_undelivered_bytes", "gauge", "Payload bytes not yet delivered."},
        {"max_operations", "outbox_max_operations", "gauge", "Undelivered operations allowed before back-pressure."},
        {"max_bytes", "outbox_max_bytes", "gauge", "Undelivered payload bytes allowed before back-pressure."},
        {"full", "outbox_full", "gauge", "1 while new operations are refused (back-pressure)."},
        {"oldest_pending_age_s", "outbox_oldest_pending_age_seconds", "gauge", "Age of the oldest pending operation."},
        {"enqueue_commits", "outbox_enqueue_commits_total", "counter", "Enqueue transactions since start."},
        {"enqueued_operations", "outbox_enqueued_operations_total", "counter", "Operations enqueued since start."},
    };
    for (const auto& metric : outbox_metrics) {
        writer.family(metric.name, metric.type, metric.help);
        if (outbox.contains(metric.field)) writer.sample(metric.name, "", outbox[metric.field]);
    }
    writer.family("outbox_quarantined", "gauge", "1 when a damaged outbox was moved aside at start.");
    writer.sample("outbox_quarantined", "", outbox.contains("quarantine") && !outbox["quarantine"].is_null());

    const nlohmann::json upstreams = status.value("upstreams", nlohmann::json::object());
    const struct {
        const char* field;
        const char* name;
        const char* type;
        const char* help;
    } upstream_metrics[] = {
        {"delivered_since_start", "upstream_delivered_total", "counter", "Operations delivered since start."},
        {"consecutive_failures", "upstream_consecutive_failures", "gauge", "Transient failures in a row."},
        {"next_attempt_in_ms", "upstream_next_attempt_milliseconds", "gauge", "Until the next attempt is due."},
        {"stalled", "upstream_stalled", "gauge", "1 when due work has seen no attempt for longer than expected."},
    };
    for (const auto& metric : upstream_metrics) {
        writer.family(metric.name, metric.type, metric.help);
        for (const auto& [name, upstream] : upstreams.items()) {
            if (upstream.contains(metric.field)) writer.sample(metric.name, label("upstream", name), upstream[metric.field]);
        }
    }
    writer.family("upstream_circuit_open", "gauge", "1 while the upstream's circuit breaker is open or half-open.");
    writer.family("upstream_auth_failed", "gauge", "1 while the upstream refuses the configured credentials.");
    for (const auto& [name, upstream] : upstreams.items()) {
        writer.sample("upstream_circuit_open", label("upstream", name), upstream.value("circuit", "closed") != "closed");
        writer.sample("upstream_auth_failed", label("upstream", name), upstream.value("auth", "") == "failed");
    }
    // The client certificate (docs/tls.md): a fleet alerts on days left without parsing text.
    const nlohmann::json certificate = status.value("client_certificate", nlohmann::json::object());
    writer.family("client_certificate_days_left", "gauge", "Whole days until the client certificate expires.");
    if (certificate.contains("days_left")) writer.sample("client_certificate_days_left", "", certificate["days_left"]);
    writer.family("client_certificate_warning", "gauge",
                  "1 while the client certificate needs attention (expiring, expired, not yet valid, unreadable).");
    if (certificate.contains("state")) {
        writer.sample("client_certificate_warning", "", certificate.value("state", "ok") != "ok");
    }
    const nlohmann::json parked = status.value("parked_lanes", nlohmann::json::array());
    writer.family("parked_lanes", "gauge", "Lanes held back by a dead operation of a lane-blocking kind.");
    writer.sample("parked_lanes", "", parked.size());

    const nlohmann::json catalog = status.value("catalog", nlohmann::json::object());
    writer.family("catalog_flagged_total", "counter",
                  "Operations accepted unchecked because the catalog was stale, since start.");
    if (catalog.contains("flagged_since_start")) writer.sample("catalog_flagged_total", "", catalog["flagged_since_start"]);
    const nlohmann::json pulls = catalog.value("pulls", nlohmann::json::object());
    writer.family("catalog_pulls_total", "counter", "Complete pulls into the catalog since start.");
    writer.family("catalog_pull_consecutive_failures", "gauge", "Failed pulls in a row.");
    for (const auto& [name, pull] : pulls.items()) {
        writer.sample("catalog_pulls_total", label("puller", name), pull.value("pulls_completed", nlohmann::json()));
        writer.sample("catalog_pull_consecutive_failures", label("puller", name),
                      pull.value("consecutive_failures", nlohmann::json()));
    }
    return writer.text();
}

}  // namespace outpost::agent
