#include "wrk_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/transport/http_client.hpp"
#include "proc_stat.hpp"

extern char** environ;

namespace outpost::bench {
namespace {

std::string open_url(const testing::Simulator& sim, const std::string& path) {
    return "https://localhost:" + std::to_string(sim.open_tls_port()) + path;
}

long match_long(const std::string& text, const std::regex& pattern, std::size_t group = 1) {
    std::smatch found;
    if (!std::regex_search(text, found, pattern)) return 0;
    return std::stol(found[group].str());
}

}  // namespace

long quiet_accepted(testing::Simulator& sim) {
    // wrk stops with requests still in flight; the simulator finishes them after wrk has gone.
    // Quiet: the count did not move over 200 ms.
    long previous = -1;
    long current = sim.stats()["accepted"].get<long>();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (current != previous && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the quiet period measured
        previous = current;
        current = sim.stats()["accepted"].get<long>();
    }
    return current;
}

std::string log_in_without_certificate(testing::Simulator& sim) {
    if (sim.open_tls_port() < 0) throw std::runtime_error("the simulator has no --open-tls-port");
    auto http = transport::HttpClient::create({testing::pki_file("ca.pem"), "", ""}, {});
    if (!http) throw std::runtime_error(http.error().describe());
    transport::Request login;
    login.url = open_url(sim, "/ifp/login");
    login.headers = {{"Content-Type", "application/json"}, {"X-Device-Id", "bench-device"}};
    login.body = nlohmann::json{{"username", sim.options().din_user}, {"password", sim.options().din_password}}.dump();
    auto answer = (*http)->perform(login);
    if (!answer) throw std::runtime_error("login for wrk: " + answer.error().describe());
    const auto body = nlohmann::json::parse(answer->body, nullptr, false);
    if (answer->status != 200 || !body.contains("data")) {
        throw std::runtime_error("login for wrk answered HTTP " + std::to_string(answer->status));
    }
    return body["data"]["token"].get<std::string>();
}

WrkResult run_wrk(testing::Simulator& sim, const std::string& token, const WrkRun& run) {
    const std::string output_file = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                                    "/wrk-" + run.run_id + ".out";
    // wrk's threads each drive their share of the connections; two cores, at most two threads.
    const int threads = std::min(run.connections, 2);
    std::vector<std::string> argv = {"wrk",
                                     "-t" + std::to_string(threads),
                                     "-c" + std::to_string(run.connections),
                                     "-d" + std::to_string(run.seconds) + "s",
                                     "--timeout", "10s",
                                     "-s", OUTPOST_BENCH_WRK_SCRIPT,
                                     open_url(sim, "/ssl/ifp/picking/order"),
                                     "--", run.run_id, std::to_string(run.lanes)};
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    // The token travels in the environment, not on the command line (ps shows that to anyone).
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
    environment.push_back("OUTPOST_BENCH_TOKEN=" + token);
    std::vector<char*> env;
    for (auto& entry : environment) env.push_back(entry.data());
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    const long accepted_before = sim.stats()["accepted"].get<long>();
    const double sim_cpu_before = cpu_us(sim.pid());
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, "wrk", &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start wrk (apt-get install wrk): " + std::string(strerror(rc)));
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    WrkResult result;
    result.sim_cpu_us = cpu_us(sim.pid()) - sim_cpu_before;
    result.accepted = quiet_accepted(sim) - accepted_before;
    result.wrk_cpu_us = micros(usage.ru_utime) + micros(usage.ru_stime);

    std::ifstream file(output_file);
    std::stringstream content;
    content << file.rdbuf();
    const std::string text = content.str();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("wrk failed:\n" + text);

    std::smatch found;
    if (!std::regex_search(text, found, std::regex(R"((\d+) requests in ([0-9.]+)(m?s))"))) {
        throw std::runtime_error("cannot read wrk's output:\n" + text);
    }
    result.requests = std::stol(found[1].str());
    result.seconds = std::stod(found[2].str()) / (found[3].str() == "ms" ? 1000.0 : 1.0);
    result.requests_per_s = result.seconds > 0 ? static_cast<double>(result.requests) / result.seconds : 0;
    result.non_2xx = match_long(text, std::regex(R"(Non-2xx or 3xx responses: (\d+))"));
    std::smatch errors;
    if (std::regex_search(text, errors,
                          std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"))) {
        for (std::size_t i = 1; i <= 4; ++i) result.socket_errors += std::stol(errors[i].str());
    }
    return result;
}

}  // namespace outpost::bench
