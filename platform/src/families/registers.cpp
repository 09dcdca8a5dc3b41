#include "families/registers.hpp"

#include <algorithm>
#include <stdexcept>

namespace ccvm::platform {

void RegisterTable::check_known(const std::string& name) const {
    if (std::find(names_.begin(), names_.end(), name) == names_.end())
        throw std::logic_error("unknown register " + name);
}

void RegisterTable::set(const std::string& name, ByteSpan value) {
    check_known(name);
    regs_.values.insert_or_assign(name, Bytes(value.begin(), value.end()));
    regs_.not_computed.erase(name);
}

void RegisterTable::not_computed(const std::string& name, std::string reason) {
    check_known(name);
    regs_.values.erase(name);
    regs_.not_computed.insert_or_assign(name, std::move(reason));
}

void RegisterTable::rest_not_computed(const std::string& reason) {
    for (const std::string& name : names_)
        if (!regs_.values.contains(name) && !regs_.not_computed.contains(name))
            regs_.not_computed.emplace(name, reason);
}

const Bytes* RegisterTable::value(const std::string& name) const {
    const auto it = regs_.values.find(name);
    return it == regs_.values.end() ? nullptr : &it->second;
}

Registers RegisterTable::finish() && {
    rest_not_computed("not computed");
    return std::move(regs_);
}

}  // namespace ccvm::platform
