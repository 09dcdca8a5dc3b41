// Error classes shared by every ccvm library. The kind decides the CLI exit code (ccvm(1) EXIT STATUS).
#pragma once

#include <stdexcept>
#include <string>

namespace ccvm {

enum class ErrorKind {
    input,     // bad input or usage: exit 2
    mismatch,  // a verification failed: exit 1
    system,    // OS, libvirt or D-Bus failure: exit 3
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

struct InputError : Error {
    explicit InputError(const std::string& message) : Error(ErrorKind::input, message) {}
};

struct MismatchError : Error {
    explicit MismatchError(const std::string& message) : Error(ErrorKind::mismatch, message) {}
};

struct SystemError : Error {
    explicit SystemError(const std::string& message) : Error(ErrorKind::system, message) {}
};

int exit_code(ErrorKind kind) noexcept;

}  // namespace ccvm
