// Writes a set of output files all-or-nothing (sevctl leaves partial session files behind on
// failure, enarx-archive/sevctl#96): each file is staged as a private temporary, then all are
// published together, never replacing an existing file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::secret {

class AtomicFileSet {
public:
    explicit AtomicFileSet(std::filesystem::path dir);
    ~AtomicFileSet();  // removes whatever was staged but not committed
    AtomicFileSet(const AtomicFileSet&) = delete;
    AtomicFileSet& operator=(const AtomicFileSet&) = delete;

    // Writes `data` to a temporary in the directory with permissions `mode` (set before any byte is
    // written) and fsyncs it. InputError when `name` already exists, SystemError on I/O failure.
    void stage(const std::string& name, ByteSpan data, mode_t mode);
    // Publishes every staged file under its name; on failure removes the ones already published.
    void commit();

private:
    struct Staged {
        std::filesystem::path temp;
        std::filesystem::path target;
    };
    std::filesystem::path dir_;
    std::vector<Staged> staged_;
};

}  // namespace ccvm::secret
