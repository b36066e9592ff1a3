// outpostd as a service (issue 6): systemd notifications through a stand-in notify socket,
// SIGHUP reloading the config and certificates without dropping queued work, a bad reload
// refused, SIGTERM exiting cleanly.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "agent_harness.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
public:
    explicit NotifySocket(const std::string& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof address.sun_path - 1);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("cannot bind the notify socket " + path);
        }
    }
    ~NotifySocket() { ::close(fd_); }
    // Every message received so far, appended to `messages`.
    void drain(std::vector<std::string>& messages) {
        char buffer[4096];
        for (;;) {
            const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
            if (got <= 0) return;
            messages.emplace_back(buffer, static_cast<std::size_t>(got));
        }
    }

private:
    std::string path_;
    int fd_ = -1;
};

std::size_t count(const std::vector<std::string>& messages, const std::string& what) {
    std::size_t n = 0;
    for (const auto& message : messages) n += message.find(what) != std::string::npos ? 1U : 0U;
    return n;
}

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

void replace_in_file(const std::string& path, const std::string& from, const std::string& to) {
    std::string text = read_file(path);
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error(path + " has no '" + from + "'");
    text.replace(at, from.size(), to);
    std::ofstream(path) << text;
}

TEST(Daemon, TellsSystemdItIsReadyAndKicksTheWatchdogFromItsLoop) {
    Simulator sim;
    TempDir dir;
    NotifySocket notify(dir.file("notify.sock"));
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    // WatchdogSec=0.4 s: kicks at least twice per interval, even with nothing to do.
    settings.environment = {"NOTIFY_SOCKET=" + dir.file("notify.sock"), "WATCHDOG_USEC=400000"};
    AgentProcess agent(dir, settings);
    std::vector<std::string> messages;
    ASSERT_TRUE(wait_until([&] {
        notify.drain(messages);
        return count(messages, "READY=1") == 1 && count(messages, "WATCHDOG=1") >= 4;
    }, 10s)) << "messages: " << messages.size() << "\n" << agent.log();
    EXPECT_EQ(agent.stop(), 0);
}

TEST(Daemon, SighupReloadsCredentialsWithoutDroppingQueuedWork) {
    Simulator sim;
    TempDir dir;
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.din_password = "wrong-password";
    settings.link_up = true;
    AgentProcess agent(dir, settings);
    for (int i = 0; i < 5; ++i) {
        const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "picking-order"},
                                        {"payload", sample_picking("SSL-H" + std::to_string(i % 2), i)}});
        ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    }
    ASSERT_TRUE(wait_until([&] { return agent.status()["upstreams"]["din"]["auth"] == "failed"; }, 10s)) << agent.log();

    // An operator fixes the password and sends SIGHUP; the queue is not touched.
    replace_in_file(dir.file("outpostd.toml"), "password = \"wrong-password\"",
                    "password = \"" + sim.options().din_password + "\"");
    ASSERT_EQ(::kill(agent.pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 5; }, 15s))
        << agent.status().dump(2) << agent.log();
    EXPECT_EQ(sim.stats()["accepted"], 5);
    EXPECT_NE(agent.log().find("reloaded"), std::string::npos) << agent.log();
    EXPECT_EQ(agent.log().find(sim.options().din_password), std::string::npos) << "the password was logged";
}

TEST(Daemon, InvalidConfigOnSighupIsRefusedAndTheAgentKeepsRunning) {
    Simulator sim;
    TempDir dir;
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    AgentProcess agent(dir, settings);
    replace_in_file(dir.file("outpostd.toml"), "[upstream.din]", "[upstream.din]\nusernme = \"typo\"");
    ASSERT_EQ(::kill(agent.pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_until([&] { return agent.log().find("reload refused") != std::string::npos; }, 10s)) << agent.log();
    EXPECT_NE(agent.log().find("upstream.din.usernme"), std::string::npos) << agent.log();
    const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", sample_picking("SSL-I", 1)}});
    EXPECT_TRUE(answer.value("ok", false)) << answer.dump();
    const int status = agent.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace outpost::testing
