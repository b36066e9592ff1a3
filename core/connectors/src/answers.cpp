#include "outpost/connectors/answers.hpp"

#include <nlohmann/json.hpp>

namespace outpost::connectors {

Expected<Token> read_login_answer(std::string_view body_text, const LoginAnswerFormat& format,
                                  std::chrono::system_clock::time_point now) {
    const auto body = nlohmann::json::parse(body_text, nullptr, false);
    const nlohmann::json::json_pointer token_at(format.token_pointer);
    const nlohmann::json::json_pointer expiry_at(format.expiry_pointer);
    if (!body.is_object() || !body.contains(token_at) || !body[token_at].is_string() ||
        body[token_at].get_ref<const std::string&>().empty()) {
        return make_error("connectors", "answered without a token at " + format.token_pointer);
    }
    Token token{body[token_at].get<std::string>(), now + format.default_lifetime};
    if (body.contains(expiry_at) && body[expiry_at].is_number_integer()) {
        token.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(body[expiry_at].get<std::int64_t>()));
    }
    return token;
}

std::string server_message(std::string_view body_text) {
    const auto body = nlohmann::json::parse(body_text, nullptr, false);
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        std::string message = body["message"].get<std::string>();
        if (body.contains("errors") && body["errors"].is_object()) message += " " + body["errors"].dump();
        return message;
    }
    return std::string(body_text.substr(0, 200));
}

}  // namespace outpost::connectors
