// The outcome of evidence verification: every check with its verdict and, when it failed, why.
#pragma once

#include <string>
#include <vector>

#include "ccvm/firmware-measure/json.hpp"

namespace ccvm::platform::evidence {

struct Check {
    std::string name;    // e.g. "report.signature", "measurement"
    bool ok = false;
    std::string reason;  // why it failed, or what was compared when it passed
};

class CheckList {
public:
    void add(std::string name, bool ok, std::string reason);
    void pass(std::string name, std::string reason = {}) { add(std::move(name), true, std::move(reason)); }
    void fail(std::string name, std::string reason) { add(std::move(name), false, std::move(reason)); }

    const std::vector<Check>& checks() const noexcept { return checks_; }
    // True when at least one check ran and none failed.
    bool all_ok() const noexcept;
    // The check with this name, or nullptr.
    const Check* find(std::string_view name) const noexcept;
    // [{"name", "ok", "reason"}, ...] in check order: the `checks` list of every --json verdict.
    json::Value to_json() const;

private:
    std::vector<Check> checks_;
};

// The passing "signatures" check that records the caller skipped every signature and certificate
// check (--no-signature-check): the verdict then covers the compared values only.
void note_signatures_not_checked(CheckList& out);

}  // namespace ccvm::platform::evidence
