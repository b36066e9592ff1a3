#pragma once
// One background thread that runs one job at a time for its owner, so the owner can do two
// things at once without starting a thread per job (a delivery thread records one batch's
// outcomes and claims the next while it sends the current one: delivery_worker.cpp).
//
// Contract: start() runs `job` on the helper thread (started at the first call); wait() blocks
// until that job has returned. One job at a time: start() again only after wait(). Not shared
// between owners. The destructor waits for a job started and joins the thread. A job must not
// throw (it runs on another thread; an escaping exception ends the process).

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace outpost::agent {

class HelperThread {
public:
    HelperThread() = default;
    ~HelperThread();
    HelperThread(const HelperThread&) = delete;
    HelperThread& operator=(const HelperThread&) = delete;

    void start(std::function<void()> job);
    void wait();

private:
    void run();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::function<void()> job_;  // set by start(), cleared by the helper when it has run
    bool closing_ = false;
    std::thread thread_;
};

}  // namespace outpost::agent
