#include "helper_thread.hpp"

#include <utility>

namespace outpost::agent {

HelperThread::~HelperThread() {
    if (!thread_.joinable()) return;
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !job_; });
        closing_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void HelperThread::start(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        job_ = std::move(job);
    }
    if (!thread_.joinable()) {
        thread_ = std::thread([this] { run(); });
    } else {
        changed_.notify_all();
    }
}

void HelperThread::wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !job_; });
}

void HelperThread::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, [this] { return closing_ || job_; });
        if (!job_) return;  // closing, nothing left to run
        lock.unlock();
        job_();
        lock.lock();
        job_ = nullptr;
        changed_.notify_all();
    }
}

}  // namespace outpost::agent
