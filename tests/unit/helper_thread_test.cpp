// The delivery threads' helper (core/agent/src/helper_thread.hpp): one job at a time, on a
// thread of its own, concurrently with its owner.

#include "helper_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace outpost::agent {
namespace {

TEST(HelperThread, RunsEachJobOnOneThreadOfItsOwnAndWaitReturnsAfterIt) {
    HelperThread helper;
    std::thread::id first_runner;
    for (int i = 0; i < 3; ++i) {
        std::thread::id runner;
        int result = 0;
        helper.start([&] {
            runner = std::this_thread::get_id();
            result = i + 1;
        });
        helper.wait();
        EXPECT_EQ(result, i + 1);
        EXPECT_NE(runner, std::this_thread::get_id());
        if (i == 0) first_runner = runner;
        EXPECT_EQ(runner, first_runner) << "a thread per job";
    }
}

TEST(HelperThread, TheJobRunsWhileItsOwnerGoesOn) {
    HelperThread helper;
    std::mutex mutex;
    std::condition_variable changed;
    bool owner_went_on = false;
    bool job_saw_it = false;
    helper.start([&] {
        std::unique_lock lock(mutex);
        job_saw_it = changed.wait_for(lock, std::chrono::seconds(30), [&] { return owner_went_on; });
    });
    {
        std::lock_guard lock(mutex);
        owner_went_on = true;  // only possible if start() returned before the job ended
    }
    changed.notify_all();
    helper.wait();
    EXPECT_TRUE(job_saw_it);
}

TEST(HelperThread, DestroyingItFinishesAStartedJob) {
    std::atomic<bool> finished = false;
    {
        HelperThread helper;
        helper.start([&] {
            std::this_thread::yield();
            finished = true;
        });
    }
    EXPECT_TRUE(finished);
}

TEST(HelperThread, ANeverStartedHelperHasNoThreadToJoin) {
    HelperThread helper;
    helper.wait();  // nothing started: returns at once
}

}  // namespace
}  // namespace outpost::agent
