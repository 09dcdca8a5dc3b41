#include "ccvm/attestation/checks.hpp"
#include "ccvm/base/json.hpp"

#include <algorithm>

namespace ccvm::attestation {

std::string_view to_string(CheckStatus status) noexcept {
    switch (status) {
        case CheckStatus::passed:
            return "passed";
        case CheckStatus::failed:
            return "failed";
        case CheckStatus::skipped:
            return "skipped";
    }
    return "failed";
}

void CheckList::add(std::string name, bool ok, std::string reason) {
    checks_.push_back(Check{std::move(name), ok, std::move(reason), false});
}

void CheckList::skip(std::string name, std::string reason) {
    checks_.push_back(Check{std::move(name), true, std::move(reason), true});
}

bool CheckList::all_ok() const noexcept {
    return !checks_.empty() && std::all_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.ok; });
}

bool CheckList::any_skipped() const noexcept {
    return std::any_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.skipped; });
}

std::string_view CheckList::verdict() const noexcept {
    if (!all_ok()) return "failed";
    return any_skipped() ? "skipped" : "verified";
}

const Check* CheckList::find(std::string_view name) const noexcept {
    for (const Check& c : checks_)
        if (c.name == name) return &c;
    return nullptr;
}

void note_signatures_not_checked(CheckList& out) {
    out.skip("signatures", "not checked (signature checks turned off): only the compared values are verified");
}

json::Value CheckList::to_json() const {
    json::Value list = json::Value::array();
    for (const auto& c : checks_) {
        json::Value item;
        item["name"] = c.name;
        item["status"] = std::string(to_string(c.status()));
        item["ok"] = c.ok;
        item["reason"] = c.reason;
        list.push_back(std::move(item));
    }
    return list;
}

}  // namespace ccvm::attestation
