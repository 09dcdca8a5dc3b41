// The one thread pool: every queued job runs, on the pool's threads, and the destructor waits for them.
#include "ccvm/base/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

namespace ccvm {
namespace {

using namespace std::chrono_literals;

TEST(ThreadPool, RunsEveryJobBeforeTheDestructorReturns) {
    std::atomic<int> sum{0};
    std::mutex mutex;
    std::set<std::thread::id> threads;
    {
        ThreadPool pool(3);
        EXPECT_EQ(pool.size(), 3u);
        for (int i = 1; i <= 100; ++i) {
            pool.post([&, i] {
                sum += i;
                std::lock_guard lock(mutex);
                threads.insert(std::this_thread::get_id());
            });
        }
    }
    EXPECT_EQ(sum.load(), 5050);
    EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
    EXPECT_LE(threads.size(), 3u);
}

TEST(ThreadPool, JobsRunConcurrently) {
    // Two jobs that each wait for the other finish only if two threads run them at once.
    std::promise<void> a, b;
    std::shared_future<void> fa = a.get_future().share(), fb = b.get_future().share();
    std::atomic<int> done{0};
    {
        ThreadPool pool(2);
        pool.post([&] {
            a.set_value();
            if (fb.wait_for(5s) == std::future_status::ready) ++done;
        });
        pool.post([&] {
            b.set_value();
            if (fa.wait_for(5s) == std::future_status::ready) ++done;
        });
    }
    EXPECT_EQ(done.load(), 2);
}

}  // namespace
}  // namespace ccvm
