#include "outpost/config/secret_files.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace outpost::config {

Expected<void> require_private_file(const std::string& path, const std::string& what) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return make_error("config", what + " " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) return make_error("config", what + " " + path + " is not a regular file");
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        return make_error("config", what + " " + path + " is accessible to group or others (mode " + mode +
                                        "); refusing to use it. Fix: chmod 600 " + path);
    }
    return {};
}

}  // namespace outpost::config
