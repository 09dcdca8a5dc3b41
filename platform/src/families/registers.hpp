// Builds the ccvm::Registers a family's measure() returns: every register of the family ends up
// with either a value or the reason it has none.
#pragma once

#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/registers.hpp"

namespace ccvm::platform {

class RegisterTable {
public:
    explicit RegisterTable(std::vector<std::string> names) : names_(std::move(names)) {}
    void set(const std::string& name, ByteSpan value);
    void not_computed(const std::string& name, std::string reason);
    // Every register still without a value or reason gets `reason`.
    void rest_not_computed(const std::string& reason);
    // The value of `name` when set.
    const Bytes* value(const std::string& name) const;
    // The table, with "not computed" for any register nobody set.
    Registers finish() &&;

private:
    void check_known(const std::string& name) const;
    std::vector<std::string> names_;
    Registers regs_;
};

}  // namespace ccvm::platform
