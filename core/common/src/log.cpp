#include "outpost/common/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace outpost::log {
namespace {

std::atomic<Level> current_level{Level::Info};
std::mutex write_mutex;  // one event, one line: no interleaving between threads

const char* prefix(Level level) {
    switch (level) {
        case Level::Debug: return "<7>debug";
        case Level::Info: return "<6>info";
        case Level::Warning: return "<4>warning";
        case Level::Error: return "<3>error";
    }
    return "<6>info";
}

}  // namespace

void set_level(Level level) { current_level = level; }

bool parse_level(std::string_view text, Level& level) {
    if (text == "debug") level = Level::Debug;
    else if (text == "info") level = Level::Info;
    else if (text == "warning") level = Level::Warning;
    else if (text == "error") level = Level::Error;
    else return false;
    return true;
}

void write(Level level, std::string_view component, std::string_view message) {
    if (level < current_level.load()) return;
    std::string line = prefix(level);
    line += ' ';
    line += component;
    line += ": ";
    for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;  // keep one event per line
    line += '\n';
    std::lock_guard lock(write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace outpost::log
