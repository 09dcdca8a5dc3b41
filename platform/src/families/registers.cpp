#include "families/registers.hpp"

#include <optional>

#include "ccvm/base/error.hpp"

namespace ccvm::platform {

Registers::Registers(std::vector<std::string> names) {
    for (auto& n : names) entries_.push_back({std::move(n), std::nullopt, std::nullopt});
}

Registers::Entry& Registers::find(const std::string& name) {
    for (Entry& e : entries_)
        if (e.name == name) return e;
    throw std::logic_error("unknown register " + name);
}

void Registers::set(const std::string& name, std::string hex) {
    Entry& e = find(name);
    e.hex = std::move(hex);
    e.reason.reset();
}

void Registers::not_computed(const std::string& name, std::string reason) {
    Entry& e = find(name);
    e.hex.reset();
    e.reason = std::move(reason);
}

void Registers::rest_not_computed(const std::string& reason) {
    for (Entry& e : entries_)
        if (!e.hex && !e.reason) e.reason = reason;
}

json::Value Registers::to_json() const {
    json::Value regs = json::Object{};
    json::Value missing = json::Object{};
    for (const Entry& e : entries_) {
        regs.set(e.name, e.hex ? json::Value(*e.hex) : json::Value(nullptr));
        if (!e.hex) missing.set(e.name, e.reason.value_or("not computed"));
    }
    json::Value out = json::Object{};
    out.set("registers", std::move(regs));
    out.set("not_computed", std::move(missing));
    return out;
}

}  // namespace ccvm::platform
