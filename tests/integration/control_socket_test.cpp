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
#include "raw_socket_client.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::optional<nlohmann::json>& answer) {
    return answer ? answer->value("error", std::string("(no error: ") + answer->dump() + ")") : "(no answer)";
}

TEST(ControlSocket, MisbehavingClientsGetErrorsAndNeverStopTheAgent) {
    TempDir state;
    AgentProcess agent(state, AgentSettings{});

    // A half line that never ends, held open through the rest of the test.
    RawSocketClient stalled(agent.socket_path());
    ASSERT_TRUE(stalled.send("{\"cmd\":\"status\","));

    RawSocketClient client(agent.socket_path());
    client.send("{\"cmd\":\"reboot\"}\n");
    EXPECT_NE(error_of(client.line()).find("unknown command 'reboot'"), std::string::npos);
    client.send("{\"cmd\":7}\n");
    EXPECT_NE(error_of(client.line()).find("\"cmd\" must be a string"), std::string::npos);
    client.send("{\"cmd\":\"dead.list\",\"limit\":\"ten\"}\n");
    EXPECT_NE(error_of(client.line()).find("malformed request"), std::string::npos);
    client.send("{\"cmd\":\"sim.link\",\"up\":\"yes\"}\n");
    EXPECT_NE(error_of(client.line()).find("\"up\" must be true or false"), std::string::npos);

    // One turn: a good enqueue next to one whose kind is a number. Only the bad one fails; the
    // good one is stored (the batch's commit is not lost to its neighbour).
    const auto good = nlohmann::json{{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", sample_picking("SSL-OK", 1)}};
    client.send(good.dump() + "\n" + R"({"cmd":"enqueue","kind":5,"payload":{}})" + "\n");
    const auto stored = client.line();
    ASSERT_TRUE(stored);
    EXPECT_TRUE(stored->value("ok", false)) << stored->dump();
    EXPECT_NE(error_of(client.line()).find("malformed request"), std::string::npos);

    // Malformed and oversized frames: an error, then the connection is closed.
    RawSocketClient malformed(agent.socket_path());
    malformed.send("{\"cmd\": \"status\"\n");
    EXPECT_NE(error_of(malformed.line()).find("malformed request"), std::string::npos);
    EXPECT_FALSE(malformed.line(2s)) << "still open after a malformed frame";

    RawSocketClient oversized(agent.socket_path());
    oversized.send(std::string(control::kMaxFrameBytes + 1000, ' '));  // may be cut short by the close
    EXPECT_NE(error_of(oversized.line()).find("larger than"), std::string::npos);

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
