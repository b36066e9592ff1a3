#pragma once
// A process started by a test and always stopped by it: SIGTERM on destruction, SIGKILL if it
// has not exited within a few seconds. Output goes to a log file the test can print on failure.

#include <string>
#include <vector>

#include <sys/types.h>

namespace outpost::testing {

class ChildProcess {
public:
    ChildProcess(std::vector<std::string> argv, std::string log_file);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] bool running();
    // Sends SIGTERM and waits; returns the exit status (as from waitpid), or -1 if it had to be killed.
    int stop();
    // Sends SIGKILL (no chance to clean up, as in a crash or an OOM kill) and reaps the process;
    // returns the wait status. A process that already exited is only reaped.
    int kill_hard();
    [[nodiscard]] std::string log() const;
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
    std::string log_file_;
};

}  // namespace outpost::testing
