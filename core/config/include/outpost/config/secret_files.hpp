#pragma once
// Files that hold secrets (the client's private key, password files) must be readable by the
// agent's user only: a handheld walks around a warehouse, and its other users must not be able
// to lift the device's identity.

#include <string>

#include "outpost/common/expected.hpp"

namespace outpost::config {

// An Error naming the file, its mode and the fix when `path` is readable or writable by group or
// others (or is not a regular file).
Expected<void> require_private_file(const std::string& path, const std::string& what);

}  // namespace outpost::config
