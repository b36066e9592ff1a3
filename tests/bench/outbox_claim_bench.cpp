// How the outbox's claim and settle costs grow with the backlog: fills an outbox with N pending
// operations over many lanes, then times claiming and delivering the first M, the next-due
// query and reopening. Run by tools/bench; not part of the test suite.
//   outbox_claim_bench DIR [N=100000] [M=2000]
// OUTPOST_BENCH_CACHE_KIB sets Options::cache_kib (page cache per connection) for comparisons.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "outpost/outbox/outbox.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: outbox_claim_bench DIR [N] [M]\n");
        return 2;
    }
    const std::string path = std::string(argv[1]) + "/claim-bench.db";
    const long total = argc > 2 ? std::atol(argv[2]) : 100000;
    const long claims = argc > 3 ? std::atol(argv[3]) : 2000;
    std::remove(path.c_str());
    outpost::outbox::Options options;
    if (const char* cache = std::getenv("OUTPOST_BENCH_CACHE_KIB")) options.cache_kib = std::atoi(cache);
    {
        auto outbox = outpost::outbox::Outbox::open(path, options);
        if (!outbox) {
            std::fprintf(stderr, "%s\n", outbox.error().describe().c_str());
            return 1;
        }
        auto start = std::chrono::steady_clock::now();
        std::vector<outpost::outbox::NewOperation> batch;
        for (long i = 0; i < total; ++i) {
            outpost::outbox::NewOperation operation;
            operation.kind = "picking-order";
            operation.upstream = "din";
            operation.lane = "din/SSL-" + std::to_string(i % 500);
            operation.payload = std::string(300, 'x');
            batch.push_back(std::move(operation));
            if (batch.size() == 1000 || i + 1 == total) {
                if (!(*outbox)->enqueue(batch)) return 1;
                batch.clear();
            }
        }
        std::printf("fill %ld: %.2f s\n", total, seconds_since(start));
    }
    // As the agent opens it after a clean stop: the integrity check runs in the background.
    options.integrity = outpost::outbox::IntegrityCheck::Auto;
    auto start = std::chrono::steady_clock::now();
    auto outbox = outpost::outbox::Outbox::open(path, options);
    if (!outbox) return 1;
    std::printf("open with %ld pending: %.1f ms\n", total, seconds_since(start) * 1000);
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) (void)(*outbox)->counts();
    std::printf("counts during the check: %.2f ms each\n", seconds_since(start) * 100);
    if (!(*outbox)->wait_until_checked(std::chrono::minutes(5))) return 1;
    std::printf("background integrity check done %.1f ms after open returned\n", seconds_since(start) * 1000);

    start = std::chrono::steady_clock::now();
    for (long i = 0; i < claims; ++i) {
        auto claimed = (*outbox)->claim_next("din", outpost::wall_clock_now_ms());
        if (!claimed || !claimed->has_value()) return 1;
        if (!(*outbox)->mark_delivered((*claimed)->id, outpost::wall_clock_now_ms())) return 1;
    }
    const double elapsed = seconds_since(start);
    std::printf("claim+deliver %ld: %.2f s, %.0f per second\n", claims, elapsed, static_cast<double>(claims) / elapsed);

    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) (void)(*outbox)->next_due("din");
    std::printf("next_due: %.2f ms each\n", seconds_since(start) * 10);
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) (void)(*outbox)->counts();
    std::printf("counts: %.2f ms each\n", seconds_since(start) * 100);
    return 0;
}
