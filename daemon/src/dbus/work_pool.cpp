#include "dbus/work_pool.hpp"

#include <algorithm>

namespace ccvm::daemon {

WorkPool::WorkPool(unsigned threads, unsigned per_caller_limit)
    : per_caller_limit_(per_caller_limit != 0 ? per_caller_limit : std::max(1u, threads / 2)) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkPool::~WorkPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

bool WorkPool::post(uid_t caller, std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        unsigned& count = in_flight_[caller];
        if (count >= per_caller_limit_) return false;
        ++count;
        jobs_.push_back(Job{caller, std::move(job)});
    }
    cv_.notify_one();
    return true;
}

void WorkPool::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job.run();
        std::lock_guard lock(mutex_);
        if (--in_flight_[job.caller] == 0) in_flight_.erase(job.caller);
    }
}

}  // namespace ccvm::daemon
