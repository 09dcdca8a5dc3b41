// The one owner of a POSIX file descriptor: closed on destruction unless released.
#pragma once

namespace ccvm {

class UniqueFd {
public:
    UniqueFd() noexcept = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    // Gives up ownership: the caller closes the returned descriptor.
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    // Closes the owned descriptor (ignoring close(2)'s result) and owns `fd` instead.
    void reset(int fd = -1) noexcept;
    // Closes now and returns close(2)'s result (0, or -1 with errno set): for a descriptor that was
    // written, where a failed close can be a lost write.
    int close() noexcept;

private:
    int fd_ = -1;
};

}  // namespace ccvm
