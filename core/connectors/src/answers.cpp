#include "outpost/connectors/answers.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

#include "outpost/common/untrusted_text.hpp"

namespace outpost::connectors {
namespace {

// Upstream answers nest three or four levels; dumping "errors" recurses once per level
// (untrusted_text.hpp), so a deeper answer is read as text.
constexpr std::size_t kMaxAnswerDepth = 64;

nlohmann::json parse_answer(std::string_view body) {
    if (!json_nesting_within(body, kMaxAnswerDepth)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(body, nullptr, false);
}

// An RFC 6901 array index: "0" or digits without a leading zero, within the array.
const nlohmann::json* array_element(const nlohmann::json& array, std::string_view token) {
    if (token.empty() || token.size() > 19 || (token.size() > 1 && token.front() == '0')) return nullptr;
    std::uint64_t index = 0;
    for (const char c : token) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return index < array.size() ? &array[static_cast<std::size_t>(index)] : nullptr;
}

// The value at a JSON pointer, or nullptr when there is none. nlohmann's own json_pointer
// throws for some pointer and document combinations (an array index too large for size_t, a
// member of a string...), and an exception here would end a delivery thread.
const nlohmann::json* at_pointer(const nlohmann::json& document, std::string_view pointer) {
    const nlohmann::json* at = &document;
    if (pointer.empty()) return at;
    if (pointer.front() != '/') return nullptr;
    pointer.remove_prefix(1);
    while (at != nullptr) {
        const std::size_t slash = pointer.find('/');
        const std::string_view raw = pointer.substr(0, slash);
        std::string token;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '~') {
                token += raw[i];
            } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                token += raw[++i] == '0' ? '~' : '/';
            } else {
                return nullptr;  // not a pointer: "~" must be "~0" or "~1"
            }
        }
        if (at->is_object()) {
            const auto found = at->find(token);
            at = found != at->end() ? &*found : nullptr;
        } else if (at->is_array()) {
            at = array_element(*at, token);
        } else {
            at = nullptr;
        }
        if (slash == std::string_view::npos) break;
        pointer.remove_prefix(slash + 1);
    }
    return at;
}

// SmartSeller's validation answers carry the messages per field: {"message": {"stock.0.amount":
// ["..."]}}. Flattened to "stock.0.amount: ...; ..." for operators.
std::string field_messages(const nlohmann::json& fields) {
    std::string text;
    for (const auto& [field, messages] : fields.items()) {
        std::string joined;
        for (const auto& message : messages.is_array() ? messages : nlohmann::json::array({messages})) {
            joined += (joined.empty() ? "" : ", ") +
                      (message.is_string() ? message.get<std::string>()
                                           : message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        text += (text.empty() ? "" : "; ") + field + ": " + joined;
    }
    return text;
}

}  // namespace

Expected<Token> read_login_answer(std::string_view body_text, const LoginAnswerFormat& format,
                                  std::chrono::system_clock::time_point now) {
    const auto body = parse_answer(body_text);
    if (body.is_discarded()) return make_error("connectors", "answered with a body that is not JSON");
    const nlohmann::json* token = at_pointer(body, format.token_pointer);
    if (token == nullptr || !token->is_string() || token->get_ref<const std::string&>().empty()) {
        return make_error("connectors", "answered without a token at " + format.token_pointer);
    }
    Token out{token->get<std::string>(), now + format.default_lifetime};
    // Checked in seconds before it becomes a time_point: that counts nanoseconds, and an
    // arbitrary number of seconds overflows it (undefined behaviour, found by fuzzing).
    const nlohmann::json* expiry = at_pointer(body, format.expiry_pointer);
    if (expiry != nullptr && expiry->is_number_integer() &&
        !(expiry->is_number_unsigned() &&
          expiry->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
        const std::int64_t at = expiry->get<std::int64_t>();
        const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(kMaxTokenLifetime).count();
        if (at >= now_s - max_s && at <= now_s + max_s) {
            out.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(at));
        }
    }
    return out;
}

std::string server_message(std::string_view body_text) {
    const auto body = parse_answer(body_text);
    const auto message = body.is_object() ? body.find("message") : body.end();
    if (body.is_object() && message != body.end() && message->is_object()) {
        return printable_excerpt(field_messages(*message), kMaxMessageBytes);
    }
    if (!body.is_object() || message == body.end() || !message->is_string()) {
        return printable_excerpt(body_text, kMaxMessageBytes);
    }
    std::string text = message->get<std::string>();
    if (const auto errors = body.find("errors"); errors != body.end() && errors->is_object()) {
        text += " " + errors->dump();
    }
    return printable_excerpt(text, kMaxMessageBytes);
}

}  // namespace outpost::connectors
