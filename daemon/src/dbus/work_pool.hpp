// A fixed pool of worker threads for the D-Bus calls that reach libvirt or the disk, so the event loop
// keeps answering while VMs are created and launched.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccvm::daemon {

class WorkPool {
public:
    explicit WorkPool(unsigned threads);
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;
    // Finishes the queued work, then joins the threads.
    ~WorkPool();

    void post(std::function<void()> job);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ccvm::daemon
