#pragma once
// Writing a fake sysfs tree in a test directory: attribute files with one value each.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace outpost::testing {

inline void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::trunc) << content;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

}  // namespace outpost::testing
