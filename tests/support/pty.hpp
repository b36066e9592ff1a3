#pragma once
// A pseudo-terminal standing in for a serial barcode scanner: the test writes the master side as
// the scanner would, the code under test opens the slave path as it opens /dev/ttyACM0.
//
// Contract: slave() is empty when no pseudo-terminal could be made (the test should fail or skip
// saying so). Bytes written to the master before the reader has put the slave in raw mode go
// through the default line discipline (echo, line editing), and the reader's tcflush() drops
// them: write only once the reader has started. close_master() is a scanner being unplugged.

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <string>

namespace outpost::testing {

class Pty {
public:
    Pty() {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
        std::array<char, 128> name{};
        if (::ptsname_r(master_, name.data(), name.size()) == 0) slave_ = name.data();
    }
    ~Pty() { close_master(); }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;

    [[nodiscard]] const std::string& slave() const { return slave_; }
    // The whole of `bytes`, or false.
    bool write(const std::string& bytes) const {
        return ::write(master_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    }
    void close_master() {
        if (master_ >= 0) ::close(master_);
        master_ = -1;
    }

private:
    int master_ = -1;
    std::string slave_;
};

}  // namespace outpost::testing
