#pragma once
// Reading and writing the one-line attribute files of sysfs, with errors that name the file.

#include <string>

#include "hal/result.hpp"

namespace hal::linux_impl {

// The file's content without trailing whitespace ("up\n" -> "up").
Result<std::string> read_attribute(const std::string& path);
// Writes `value` to an existing attribute (never creates one: a missing attribute is an error).
Status write_attribute(const std::string& path, const std::string& value);
// "path: what: strerror(errno)".
std::string system_error(const std::string& path, const std::string& what, int error);

}  // namespace hal::linux_impl
