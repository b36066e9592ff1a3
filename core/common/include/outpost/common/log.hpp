#pragma once
// One line per event on stderr, journald-friendly: systemd reads the "<N>" prefix as the syslog
// priority, and the rest stays readable on a terminal. Never pass secrets to these functions.

#include <string_view>

namespace outpost::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3 };

void set_level(Level level);
bool parse_level(std::string_view text, Level& level);
void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view component, std::string_view message) { write(Level::Debug, component, message); }
inline void info(std::string_view component, std::string_view message) { write(Level::Info, component, message); }
inline void warning(std::string_view component, std::string_view message) { write(Level::Warning, component, message); }
inline void error(std::string_view component, std::string_view message) { write(Level::Error, component, message); }

}  // namespace outpost::log
