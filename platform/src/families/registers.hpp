// The expected-register table a family's measure() returns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/base/json.hpp"

namespace ccvm::platform {

class Registers {
public:
    explicit Registers(std::vector<std::string> names);
    void set(const std::string& name, std::string hex);
    void not_computed(const std::string& name, std::string reason);
    // Every register still without a value gets `reason`.
    void rest_not_computed(const std::string& reason);
    // {"registers": {name: hex|null}, "not_computed": {name: reason}} in register order.
    json::Value to_json() const;

private:
    struct Entry {
        std::string name;
        std::optional<std::string> hex;
        std::optional<std::string> reason;
    };
    Entry& find(const std::string& name);
    std::vector<Entry> entries_;
};

}  // namespace ccvm::platform
