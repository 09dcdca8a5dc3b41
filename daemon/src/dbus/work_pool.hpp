// The D-Bus calls that reach libvirt or the disk run on a ThreadPool, so the event loop keeps answering
// while VMs are created and launched. Each caller (uid) may have at most a fair share of the workers
// busy or queued: one caller's stuck calls cannot starve everyone else's.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <mutex>

#include "ccvm/base/thread_pool.hpp"

namespace ccvm::daemon {

class WorkPool {
public:
    // `per_caller_limit`: calls one uid may have in flight (queued or running); 0 = max(1, threads/2).
    explicit WorkPool(unsigned threads, unsigned per_caller_limit = 0);
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;

    // Queues `job` for `caller`; false (nothing queued) when that caller already has its limit of
    // calls in flight. A job must not throw (see ThreadPool::post).
    bool post(uid_t caller, std::function<void()> job);
    unsigned per_caller_limit() const noexcept { return per_caller_limit_; }

private:
    void finished(uid_t caller);

    unsigned per_caller_limit_;
    std::mutex mutex_;
    std::map<uid_t, unsigned> in_flight_;
    ThreadPool pool_;  // last: its destructor finishes the queued jobs while the members above still exist
};

}  // namespace ccvm::daemon
