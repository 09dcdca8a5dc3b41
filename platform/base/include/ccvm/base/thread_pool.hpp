// The one pool of worker threads: a fixed set of threads running queued jobs in order. The daemon's
// D-Bus workers and the parallel hashing of launch measurements both run on it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccvm {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    // Runs every queued job to its end, then joins the threads.
    ~ThreadPool();

    // Queues `job` for the next free thread. A job must not throw: an exception escaping a job ends
    // the process, as one escaping any thread does; jobs report their errors themselves.
    void post(std::function<void()> job);
    unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }

private:
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;  // last: started once the members above exist
};

}  // namespace ccvm
