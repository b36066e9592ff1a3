// The control socket's server on a real Unix socket, with short timeouts: framing rules, and
// clients that misbehave (malformed or oversized frames, a half line and a stall, never reading
// their answers, too many connections) get an error or a timeout and never stop the loop or
// hold up the other clients.

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "outpost/agent/control_server.hpp"
#include "outpost/control/client.hpp"
#include "raw_socket_client.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

namespace outpost::agent {
namespace {

using namespace std::chrono_literals;
using outpost::testing::RawSocketClient;
using outpost::testing::TempDir;
using outpost::testing::wait_until;

// --- the server on a socket ----------------------------------------------------------------

// The server's loop on its own thread; the handler answers {"ok": true, "echo": request}, and
// "big" requests with 60 kB of text.
class ControlServerTest : public ::testing::Test {
protected:
    void start(ControlOptions options) {
        wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        auto listening = ControlServer::listen(path_, wake_, options);
        ASSERT_TRUE(listening) << listening.error().describe();
        server_ = std::move(*listening);
        loop_ = std::thread([this] {
            while (!stopping_) {
                auto turn = server_->poll_once([this](const std::vector<nlohmann::json>& requests) {
                    std::vector<nlohmann::json> answers;
                    for (const auto& request : requests) {
                        ++handled_;
                        const std::string command = request.value("cmd", "");
                        if (command == "throw") throw std::runtime_error("handler failure");
                        if (command == "big") {
                            answers.push_back({{"ok", true}, {"text", std::string(60000, 'b')}});
                        } else if (command == "bad-utf8") {
                            answers.push_back({{"ok", false}, {"error", std::string("cut \xe2\x82")}});
                        } else {
                            answers.push_back({{"ok", true}, {"echo", request}});
                        }
                    }
                    return answers;
                });
                if (!turn) failed_ = true;
            }
        });
    }
    void TearDown() override {
        stopping_ = true;
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_, &one, sizeof one);
        if (loop_.joinable()) loop_.join();
        server_.reset();
        if (wake_ >= 0) ::close(wake_);
        wake_ = -1;
        EXPECT_FALSE(failed_) << "poll_once returned an error";
    }
    static ControlOptions short_timeouts() {
        ControlOptions options;
        options.frame_timeout = 300ms;
        options.write_timeout = 300ms;
        options.max_connections = 6;
        options.max_pending_output = 64 * 1024;
        return options;
    }
    // One request from a fresh, well-behaved client, answered within `deadline`.
    bool answers_promptly(std::chrono::milliseconds deadline = 2s * outpost::testing::kSanitizerSlowdown) {
        RawSocketClient client(path_);
        if (!client.send("{\"cmd\":\"status\"}\n")) return false;
        const auto answer = client.line(deadline);
        return answer && answer->value("ok", false);
    }

    TempDir dir_;
    std::string path_ = dir_.file("control.sock");
    int wake_ = -1;
    std::unique_ptr<ControlServer> server_;
    std::thread loop_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> failed_{false};
    std::atomic<int> handled_{0};
};

TEST_F(ControlServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start(short_timeouts());
    RawSocketClient client(path_);
    std::string burst;
    for (int i = 0; i < 300; ++i) burst += "{\"cmd\":\"echo\",\"n\":" + std::to_string(i) + "}\n";
    ASSERT_TRUE(client.send(burst));
    for (int i = 0; i < 300; ++i) {
        const auto answer = client.line();
        ASSERT_TRUE(answer) << "answer " << i;
        EXPECT_EQ((*answer)["echo"]["n"], i);
    }
}

TEST_F(ControlServerTest, MalformedFrameIsAnsweredThenClosedAfterEarlierAnswers) {
    start(short_timeouts());
    RawSocketClient client(path_);
    ASSERT_TRUE(client.send("{\"cmd\":\"echo\",\"n\":1}\nthis is not json\n{\"cmd\":\"echo\",\"n\":2}\n"));
    const auto first = client.line();
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)["echo"]["n"], 1);
    const auto refused = client.line();
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->value("ok", true));
    EXPECT_NE(refused->value("error", "").find("malformed request"), std::string::npos) << refused->dump();
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_TRUE(answers_promptly());
}

TEST_F(ControlServerTest, WrongTypeOfCommandFailsOnlyThatRequest) {
    start(short_timeouts());
    RawSocketClient client(path_);
    ASSERT_TRUE(client.send("{\"cmd\":42}\n{\"cmd\":\"echo\"}\n"));
    const auto refused = client.line();
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->value("error", "").find("\"cmd\" must be a string"), std::string::npos);
    const auto next = client.line();
    ASSERT_TRUE(next);
    EXPECT_TRUE(next->value("ok", false));
}

TEST_F(ControlServerTest, OversizedFrameIsRefusedAndClosed) {
    start(short_timeouts());
    RawSocketClient client(path_);
    const std::string huge(control::kMaxFrameBytes + 100, 'x');
    // Written from another thread: the server stops reading once it has seen too much, so the
    // rest may never be taken and send() could block.
    std::thread writer([&] {
        // false when the server closed the connection part-way: expected.
        (void)client.send(huge);
    });
    const auto refused = client.line(10s);
    writer.join();
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->value("error", "").find("larger than"), std::string::npos) << refused->dump();
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_TRUE(answers_promptly());
}

TEST_F(ControlServerTest, HalfALineThenSilenceTimesOutWithoutHoldingUpOthers) {
    start(short_timeouts());
    RawSocketClient stalled(path_);
    ASSERT_TRUE(stalled.send("{\"cmd\":\"echo\","));
    // Others are served while the half line waits (the server never blocks on it).
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(answers_promptly());
    EXPECT_TRUE(answers_promptly());
    const auto refused = stalled.line(5s);
    ASSERT_TRUE(refused) << "no answer to an unfinished line";
    EXPECT_NE(refused->value("error", "").find("unfinished"), std::string::npos) << refused->dump();
    EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms) << "timed out before frame_timeout";
    EXPECT_TRUE(stalled.closed_by_server());
    EXPECT_EQ(handled_.load(), 2) << "the half line reached the handler";
}

TEST_F(ControlServerTest, TricklingBytesDoesNotExtendTheDeadline) {
    start(short_timeouts());
    RawSocketClient trickler(path_);
    const auto started = std::chrono::steady_clock::now();
    bool closed = false;
    // A byte every 50 ms: a per-byte idle timer would never fire.
    for (int i = 0; i < 60 && !closed; ++i) {
        if (!trickler.send("x")) closed = true;  // the server closed it
        closed = closed || trickler.closed_by_server(50ms);
    }
    EXPECT_TRUE(closed) << "a trickled line was never timed out";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

TEST_F(ControlServerTest, ClientThatNeverReadsIsNotReadFromThenClosedAndOthersAreServed) {
    start(short_timeouts());
    RawSocketClient greedy(path_);
    // 2000 requests whose answers total 120 MB: without bounds the server would queue them all.
    std::string burst;
    for (int i = 0; i < 2000; ++i) burst += "{\"cmd\":\"big\"}\n";
    std::thread writer([&] {
        // false when closed by the server while it still wrote: expected.
        (void)greedy.send(burst);
    });
    EXPECT_TRUE(answers_promptly()) << "a client that does not read held up another one";
    EXPECT_TRUE(greedy.closed_unread(10s)) << "a client that never reads was kept open";
    writer.join();
    // Taken 64 requests at a time and only while less than 64 kB waited: it got far fewer
    // answers made than it asked for before it was dropped.
    EXPECT_LT(handled_.load(), 200) << "the server kept taking requests from a client that read nothing";
    EXPECT_TRUE(answers_promptly());
}

TEST_F(ControlServerTest, TooManyConnectionsAreToldAndClosed) {
    start(short_timeouts());
    std::vector<std::unique_ptr<RawSocketClient>> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(std::make_unique<RawSocketClient>(path_));
        ASSERT_TRUE(clients.back()->send("{\"cmd\":\"echo\"}\n"));  // answered: accepted and counted
        ASSERT_TRUE(clients.back()->line());
    }
    RawSocketClient extra(path_);
    const auto refused = extra.line();
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->value("error", "").find("too many control connections"), std::string::npos);
    EXPECT_TRUE(extra.closed_by_server());
    clients.pop_back();
    EXPECT_TRUE(wait_until([&] {
        try {
            return answers_promptly(500ms);
        } catch (const std::exception&) {
            return false;
        }
    }));
}

TEST_F(ControlServerTest, HandlerThatThrowsAnswersErrorsAndTheLoopGoesOn) {
    start(short_timeouts());
    RawSocketClient client(path_);
    ASSERT_TRUE(client.send("{\"cmd\":\"throw\"}\n"));
    const auto answer = client.line();
    ASSERT_TRUE(answer);
    EXPECT_NE(answer->value("error", "").find("internal error"), std::string::npos);
    ASSERT_TRUE(client.send("{\"cmd\":\"echo\"}\n"));
    ASSERT_TRUE(client.line());
}

TEST_F(ControlServerTest, AnswerWithInvalidUtf8IsSentWithReplacementCharacters) {
    start(short_timeouts());
    RawSocketClient client(path_);
    ASSERT_TRUE(client.send("{\"cmd\":\"bad-utf8\"}\n"));
    const auto answer = client.line();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->value("error", "").rfind("cut ", 0), 0u);
    EXPECT_TRUE(answers_promptly());
}

TEST_F(ControlServerTest, PeriodicTasksRunOnTheLoop) {
    std::atomic<int> runs{0};
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    auto listening = ControlServer::listen(path_, wake_, short_timeouts());
    ASSERT_TRUE(listening);
    server_ = std::move(*listening);
    server_->every(50ms, [&runs] { ++runs; });
    loop_ = std::thread([this] {
        while (!stopping_) (void)server_->poll_once([](const auto& requests) {
            return std::vector<nlohmann::json>(requests.size(), nlohmann::json{{"ok", true}});
        });
    });
    EXPECT_TRUE(wait_until([&] { return runs.load() >= 3; }, 5s)) << "ran " << runs.load() << " times";
}

// The agent wakes the loop through the eventfd (a watchdog tick, a reload, stop()). A wake-up
// that is not consumed leaves the eventfd readable, and every later poll returns at once.
TEST_F(ControlServerTest, AWakeUpIsConsumedAndTheLoopSleepsAgain) {
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    auto listening = ControlServer::listen(path_, wake_, short_timeouts());
    ASSERT_TRUE(listening);
    server_ = std::move(*listening);
    std::atomic<int> turns{0};
    loop_ = std::thread([this, &turns] {
        while (!stopping_) {
            (void)server_->poll_once([](const auto& requests) {
                return std::vector<nlohmann::json>(requests.size(), nlohmann::json{{"ok", true}});
            });
            ++turns;
        }
    });
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(wake_, &one, sizeof one), static_cast<ssize_t>(sizeof one));
    ASSERT_TRUE(wait_until([&] { return turns.load() >= 1; }));
    // Nothing else happens: the loop must be asleep in poll, not turning.
    const int after_wake = turns.load();
    EXPECT_FALSE(wait_until([&] { return turns.load() > after_wake + 5; }, 300ms))
        << "the loop kept turning after one wake-up: " << turns.load() - after_wake << " turns";
    TearDown();  // joins the loop here: it counts into `turns`, which lives in this frame
}

TEST_F(ControlServerTest, GroupThatDoesNotExistIsAStartUpErrorNamingIt) {
    ControlOptions options;
    options.group = "outpost-no-such-group";
    auto listening = ControlServer::listen(path_, -1, options);
    ASSERT_FALSE(listening);
    EXPECT_NE(listening.error().message.find("'outpost-no-such-group' does not exist"), std::string::npos)
        << listening.error().message;
    EXPECT_NE(::access(path_.c_str(), F_OK), 0) << "the socket file was left behind";
}

}  // namespace
}  // namespace outpost::agent
