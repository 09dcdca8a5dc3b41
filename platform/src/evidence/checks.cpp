#include "ccvm/platform/evidence/checks.hpp"

#include <algorithm>

namespace ccvm::platform::evidence {

void CheckList::add(std::string name, bool ok, std::string reason) {
    checks_.push_back(Check{std::move(name), ok, std::move(reason)});
}

bool CheckList::all_ok() const noexcept {
    return !checks_.empty() && std::all_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.ok; });
}

const Check* CheckList::find(std::string_view name) const noexcept {
    for (const Check& c : checks_)
        if (c.name == name) return &c;
    return nullptr;
}

void note_signatures_not_checked(CheckList& out) {
    out.pass("signatures", "not checked (--no-signature-check): only the compared values below are verified");
}

json::Value CheckList::to_json() const {
    json::Value list = json::Array{};
    for (const auto& c : checks_) {
        json::Value item;
        item.set("name", c.name);
        item.set("ok", c.ok);
        item.set("reason", c.reason);
        list.push(std::move(item));
    }
    return list;
}

}  // namespace ccvm::platform::evidence
