// Fuzz target: how the agent reads its control socket (outpost::control::take_requests), fed
// the bytes a local client could send, cut into reads the way recv() might deliver them.
//
// Input: the first byte picks the read size (1..256 bytes); the rest is the byte stream. After
// every read the reader's contract must hold (no complete line left behind, nothing kept beyond
// kMaxFrameBytes, nothing read after a closing frame). Each request is then used the way
// core/agent/src/agent.cpp uses one: its fields read with value() and find(), its payload
// copied, the answers dumped. A request the reader lets through must survive all of that: in
// the agent, an exception there ends the process.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "outpost/control/client.hpp"
#include "outpost/control/requests.hpp"

namespace {

// What agent.cpp does with a request before (and besides) touching the outbox.
void use_like_the_agent(const nlohmann::json& request) {
    const std::string command = request.value("cmd", "");
    const std::string kind = request.value("kind", "");
    const auto key = request.find("idempotency_key");
    if (key != request.end() && key->is_string()) (void)key->get<std::string>();
    const nlohmann::json payload = request.value("payload", nlohmann::json());
    (void)payload.dump();
    (void)request.value("limit", 100);
    (void)request.value("reason", "");
    const auto id = request.find("id");
    if (id != request.end() && id->is_number_integer()) (void)id->get<std::int64_t>();
    const nlohmann::json answer = {{"ok", false}, {"error", "unknown command '" + command + "' or kind '" + kind + "'"}};
    (void)answer.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t read_size = 1 + data[0];
    std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string input;
    while (!stream.empty()) {
        const std::string_view chunk = stream.substr(0, read_size);
        stream.remove_prefix(chunk.size());
        input.append(chunk);
        bool closed = false;
        for (const auto& frame : outpost::control::take_requests(input)) {
            FUZZ_CHECK(!closed);  // nothing after a closing frame
            if (frame.request) {
                FUZZ_CHECK(frame.request->is_object());
                use_like_the_agent(*frame.request);
            } else {
                FUZZ_CHECK(!frame.error.empty());
                (void)nlohmann::json({{"ok", false}, {"error", frame.error}}).dump();
            }
            closed = frame.close;
        }
        FUZZ_CHECK(input.find('\n') == std::string::npos);
        FUZZ_CHECK(input.size() <= outpost::control::kMaxFrameBytes);
        if (closed) {
            FUZZ_CHECK(input.empty());
            break;  // the agent closes the connection
        }
    }
    return 0;
}
