#pragma once
// What every benchmark row reports: operations per second and latency percentiles, printed as
// one machine-readable line that tools/bench turns into the table of docs/performance.md.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace outpost::bench {

using Micros = std::chrono::duration<double, std::micro>;

struct Row {
    std::string name;      // "outpostd" (end to end through the control socket) or "sqlite" (bare loop)
    std::string sync;      // "full" | "normal"
    int producers = 1;
    std::vector<double> latencies_us;  // one per acknowledged operation / committed row
    double seconds = 0;                // wall time of the measured part
    std::size_t commits = 0;           // SQLite transactions that held them; 0 when unknown
    double agent_cpu_us = 0;           // CPU time outpostd used during the run (user + system); 0: n/a
    double producer_cpu_us = 0;        // CPU time the producer threads (this process) used; 0: n/a
};

// Nearest-rank percentile of sorted latencies.
inline double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

inline void print(Row row) {
    std::sort(row.latencies_us.begin(), row.latencies_us.end());
    const double ops = static_cast<double>(row.latencies_us.size());
    std::printf("BENCH name=%s sync=%s producers=%d ops=%zu commits=%zu seconds=%.3f ops_per_s=%.0f p50_us=%.0f "
                "p99_us=%.0f agent_cpu_us_per_op=%.0f producer_cpu_us_per_op=%.0f\n",
                row.name.c_str(), row.sync.c_str(), row.producers, row.latencies_us.size(), row.commits, row.seconds,
                row.seconds > 0 ? ops / row.seconds : 0.0, percentile(row.latencies_us, 0.50),
                percentile(row.latencies_us, 0.99), ops > 0 ? row.agent_cpu_us / ops : 0.0,
                ops > 0 ? row.producer_cpu_us / ops : 0.0);
    std::fflush(stdout);
}

}  // namespace outpost::bench
