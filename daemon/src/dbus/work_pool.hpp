// A fixed pool of worker threads for the D-Bus calls that reach libvirt or the disk, so the event loop
// keeps answering while VMs are created and launched. Each caller (uid) may have at most a fair share
// of the workers busy or queued: one caller's stuck calls cannot starve everyone else's.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ccvm::daemon {

class WorkPool {
public:
    // `per_caller_limit`: calls one uid may have in flight (queued or running); 0 = max(1, threads/2).
    explicit WorkPool(unsigned threads, unsigned per_caller_limit = 0);
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;
    // Finishes the queued work, then joins the threads.
    ~WorkPool();

    // Queues `job` for `caller`; false (nothing queued) when that caller already has its limit of
    // calls in flight.
    bool post(uid_t caller, std::function<void()> job);
    unsigned per_caller_limit() const noexcept { return per_caller_limit_; }

private:
    struct Job {
        uid_t caller = 0;
        std::function<void()> run;
    };
    void run();

    unsigned per_caller_limit_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Job> jobs_;
    std::map<uid_t, unsigned> in_flight_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ccvm::daemon
