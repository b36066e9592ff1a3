#pragma once
// The status document (status_report.hpp) as Prometheus text exposition format (version 0.0.4),
// for `outpostctl metrics` and a node exporter's textfile collector.
//
// Contract: a pure function of the status document; every metric has # HELP and # TYPE lines,
// names are prefixed outpost_, upstreams are a label. Fields missing from the document are
// skipped, never invented. No secret is ever part of the status document, so none is here.

#include <string>

#include <nlohmann/json.hpp>

namespace outpost::agent {

std::string prometheus_metrics(const nlohmann::json& status);

}  // namespace outpost::agent
