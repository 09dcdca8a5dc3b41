// A QEMU process driven through its qtest protocol (-qtest stdio): port I/O and guest-memory
// access without booting a guest or needing KVM (QEMU hw/acpi/bios-linker-loader.c).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/unique_fd.hpp"

namespace ccvm::cli {

class QtestSession {
public:
    // Starts `argv` (argv[0] looked up in PATH) with "-qtest stdio" appended. Throws SystemError
    // when QEMU cannot be started or exits early (its stderr is quoted).
    explicit QtestSession(std::vector<std::string> argv);
    ~QtestSession();
    QtestSession(const QtestSession&) = delete;
    QtestSession& operator=(const QtestSession&) = delete;

    void outb(std::uint16_t port, std::uint8_t value);
    void outw(std::uint16_t port, std::uint16_t value);
    void outl(std::uint16_t port, std::uint32_t value);
    void write_memory(std::uint64_t addr, ByteSpan data);
    Bytes read_memory(std::uint64_t addr, std::size_t size);

private:
    // Sends one command line and returns the text after "OK" of its reply.
    std::string command(const std::string& line);
    std::string read_line();
    [[noreturn]] void fail(const std::string& what);

    std::string program_;
    pid_t pid_ = -1;
    UniqueFd to_qemu_;
    UniqueFd from_qemu_;
    UniqueFd stderr_file_;
    std::string buffer_;
};

}  // namespace ccvm::cli
