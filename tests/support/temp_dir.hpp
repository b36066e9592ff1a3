#pragma once
// A fresh directory per test, removed afterwards (kept when OUTPOST_KEEP_TEST_DIRS is set, to
// look at databases and logs of a failed run).

#include <cstdlib>
#include <filesystem>
#include <string>

namespace outpost::testing {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "outpost-test-XXXXXX").string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() {
        if (std::getenv("OUTPOST_KEEP_TEST_DIRS") == nullptr) {
            std::error_code ignored;
            std::filesystem::remove_all(path_, ignored);
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace outpost::testing
