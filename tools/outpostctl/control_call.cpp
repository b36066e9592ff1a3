#include "control_call.hpp"

#include <cstdio>

#include "outpost/control/client.hpp"

namespace outpost::ctl {

int call(const std::string& socket, const nlohmann::json& request, nlohmann::json& answer) {
    auto client = outpost::control::ControlClient::connect(socket);
    if (!client) {
        std::fprintf(stderr, "outpostctl: %s\n", client.error().message.c_str());
        return kUnreachable;
    }
    auto reply = client->call(request);
    if (!reply) {
        std::fprintf(stderr, "outpostctl: %s\n", reply.error().message.c_str());
        return kUnreachable;
    }
    answer = std::move(*reply);
    if (!answer.value("ok", false)) {
        std::fprintf(stderr, "outpostctl: %s\n", answer.value("error", std::string("request refused")).c_str());
        return kRefused;
    }
    return 0;
}

}  // namespace outpost::ctl
