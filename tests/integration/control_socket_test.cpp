// outpostd's control socket: only its group may connect, a missing group stops the start with a
// clear message, and misbehaving clients (unknown commands, wrong types, malformed or oversized
// frames, a half line that never ends) get errors while everyone else is served as usual.
// control_server_test covers the timeouts with short settings.

#include <gtest/gtest.h>

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent_harness.hpp"
#include "outpost/control/client.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

// A raw connection to the agent's socket: sends exactly what a test says.
class RawConnection {
public:
    explicit RawConnection(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
        }
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // false when the agent closed the connection part-way (it refuses what it has seen).
    bool send(const std::string& bytes) {
        for (std::size_t sent = 0; sent < bytes.size();) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }
    std::optional<nlohmann::json> answer(std::chrono::milliseconds deadline = 10s) {
        const auto give_up = std::chrono::steady_clock::now() + deadline;
        while (buffered_.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd waiting{fd_, POLLIN, 0};
            if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
            char chunk[4096];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) return std::nullopt;
            buffered_.append(chunk, static_cast<std::size_t>(n));
        }
        const auto newline = buffered_.find('\n');
        auto parsed = nlohmann::json::parse(buffered_.substr(0, newline));
        buffered_.erase(0, newline + 1);
        return parsed;
    }

private:
    int fd_ = -1;
    std::string buffered_;
};

std::string error_of(const std::optional<nlohmann::json>& answer) {
    return answer ? answer->value("error", std::string("(no error: ") + answer->dump() + ")") : "(no answer)";
}

TEST(ControlSocket, MisbehavingClientsGetErrorsAndNeverStopTheAgent) {
    TempDir state;
    AgentProcess agent(state, AgentSettings{});

    // A half line that never ends, held open through the rest of the test.
    RawConnection stalled(agent.socket_path());
    ASSERT_TRUE(stalled.send("{\"cmd\":\"status\","));

    RawConnection client(agent.socket_path());
    client.send("{\"cmd\":\"reboot\"}\n");
    EXPECT_NE(error_of(client.answer()).find("unknown command 'reboot'"), std::string::npos);
    client.send("{\"cmd\":7}\n");
    EXPECT_NE(error_of(client.answer()).find("\"cmd\" must be a string"), std::string::npos);
    client.send("{\"cmd\":\"dead.list\",\"limit\":\"ten\"}\n");
    EXPECT_NE(error_of(client.answer()).find("malformed request"), std::string::npos);
    client.send("{\"cmd\":\"sim.link\",\"up\":\"yes\"}\n");
    EXPECT_NE(error_of(client.answer()).find("\"up\" must be true or false"), std::string::npos);

    // One turn: a good enqueue next to one whose kind is a number. Only the bad one fails; the
    // good one is stored (the batch's commit is not lost to its neighbour).
    const auto good = nlohmann::json{{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", sample_picking("SSL-OK", 1)}};
    client.send(good.dump() + "\n" + R"({"cmd":"enqueue","kind":5,"payload":{}})" + "\n");
    const auto stored = client.answer();
    ASSERT_TRUE(stored);
    EXPECT_TRUE(stored->value("ok", false)) << stored->dump();
    EXPECT_NE(error_of(client.answer()).find("malformed request"), std::string::npos);

    // Malformed and oversized frames: an error, then the connection is closed.
    RawConnection malformed(agent.socket_path());
    malformed.send("{\"cmd\": \"status\"\n");
    EXPECT_NE(error_of(malformed.answer()).find("malformed request"), std::string::npos);
    EXPECT_FALSE(malformed.answer(2s)) << "still open after a malformed frame";

    RawConnection oversized(agent.socket_path());
    oversized.send(std::string(control::kMaxFrameBytes + 1000, ' '));  // may be cut short by the close
    EXPECT_NE(error_of(oversized.answer()).find("larger than"), std::string::npos);

    // Through all of that, the agent answers everyone else as usual, and still runs.
    const auto status = agent.status();
    EXPECT_TRUE(status.value("ok", false));
    EXPECT_EQ(status["outbox"]["pending"], 1);
    EXPECT_EQ(::kill(agent.pid(), 0), 0);
}

TEST(ControlSocket, MissingGroupIsAClearStartUpError) {
    TempDir state;
    AgentSettings settings;
    settings.control_extra = "group = \"outpost-no-such-group\"\n";
    try {
        AgentProcess agent(state, settings);
        FAIL() << "outpostd started with a control.group that does not exist";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("control.group 'outpost-no-such-group' does not exist"), std::string::npos) << what;
        EXPECT_NE(what.find("groupadd"), std::string::npos) << what;
    }
}

// Whether a process with exactly this uid and gid (no supplementary groups) can connect.
bool can_connect_as(const std::string& socket_path, uid_t uid, gid_t gid) {
    const pid_t child = ::fork();
    if (child == 0) {
        // Only async-signal-safe calls between fork and _exit: the test program has threads.
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(3);
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
        ::_exit(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) throw std::runtime_error("could not switch user in the child");
    return WEXITSTATUS(status) == 0;
}

TEST(ControlSocket, OnlyTheConfiguredGroupMayConnect) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the socket to another group and to act as other users";
    // getgrnam() answers in one static buffer: each id is copied before the next call.
    const group* producers = ::getgrnam("nogroup");
    if (producers == nullptr) GTEST_SKIP() << "needs the group nogroup";
    const gid_t producers_gid = producers->gr_gid;
    const group* others = ::getgrnam("daemon");
    if (others == nullptr) GTEST_SKIP() << "needs the group daemon";
    const gid_t others_gid = others->gr_gid;
    const uid_t nobody = 65534;

    TempDir state;
    // The directory must be passable for the other users; the socket's own mode decides.
    ASSERT_EQ(::chmod(state.path().c_str(), 0711), 0);
    AgentSettings settings;
    settings.control_extra = "group = \"nogroup\"\n";
    AgentProcess agent(state, settings);

    struct stat info {};
    ASSERT_EQ(::stat(agent.socket_path().c_str(), &info), 0);
    EXPECT_EQ(info.st_gid, producers_gid);
    EXPECT_EQ(info.st_mode & 0777, 0660u);
    EXPECT_TRUE(can_connect_as(agent.socket_path(), nobody, producers_gid)) << "a member of the group was refused";
    EXPECT_FALSE(can_connect_as(agent.socket_path(), nobody, others_gid)) << "someone outside the group connected";
    EXPECT_TRUE(agent.status().value("ok", false));
}

}  // namespace
}  // namespace outpost::testing
