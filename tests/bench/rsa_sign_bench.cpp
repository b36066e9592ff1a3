// What an X-SIGNATURE costs the agent: SHA256withRSA signatures per second with the Sales Order
// connector's signer (Mbed TLS), one thread, for the given key.
//
//   rsa_sign_bench KEY.pem [SECONDS]
//
// Prints one BENCH line: signatures, wall seconds, signatures per second, and microseconds each
// both in wall time and in this process's CPU time (the CPU figure is the one to compare on a
// shared, loaded machine, and with `openssl speed rsa2048`, which divides by CPU time too).

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "outpost/auth/rsa_signer.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: rsa_sign_bench KEY.pem [SECONDS]\n");
        return 2;
    }
    const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    auto signer = outpost::auth::RsaSigner::load_file(argv[1]);
    if (!signer) {
        std::fprintf(stderr, "rsa_sign_bench: %s\n", signer.error().message.c_str());
        return 1;
    }
    using Clock = std::chrono::steady_clock;
    const std::clock_t cpu_start = std::clock();
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    long count = 0;
    std::size_t checksum = 0;  // keeps the work observable
    while (Clock::now() < end) {
        auto signature = signer->sign_base64("partner-client-001|" + std::to_string(1767225600 + count));
        if (!signature) {
            std::fprintf(stderr, "rsa_sign_bench: %s\n", signature.error().message.c_str());
            return 1;
        }
        checksum += signature->size();
        ++count;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double signatures = static_cast<double>(count);
    std::printf("BENCH rsa_sign key_bits=%zu signatures=%ld seconds=%.2f per_second=%.0f us_each=%.0f "
                "cpu_us_each=%.0f (checksum %zu)\n",
                signer->key_bits(), count, elapsed, signatures / elapsed, elapsed * 1e6 / signatures,
                cpu * 1e6 / signatures, checksum);
    return 0;
}
