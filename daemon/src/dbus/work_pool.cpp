#include "dbus/work_pool.hpp"

#include <algorithm>
#include <utility>

namespace ccvm::daemon {

WorkPool::WorkPool(unsigned threads, unsigned per_caller_limit)
    : per_caller_limit_(per_caller_limit != 0 ? per_caller_limit : std::max(1u, threads / 2)), pool_(threads) {}

bool WorkPool::post(uid_t caller, std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        unsigned& count = in_flight_[caller];
        if (count >= per_caller_limit_) return false;
        ++count;
    }
    pool_.post([this, caller, job = std::move(job)] {
        job();
        finished(caller);
    });
    return true;
}

void WorkPool::finished(uid_t caller) {
    std::lock_guard lock(mutex_);
    if (--in_flight_[caller] == 0) in_flight_.erase(caller);
}

}  // namespace ccvm::daemon
