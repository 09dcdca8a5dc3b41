// The outcome of evidence verification: every check with its verdict and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/json_fwd.hpp"

namespace ccvm::attestation {

// A check ran and passed, ran and failed, or did not run (the caller switched it off, or there was
// nothing to compare against): a skipped check never counts as verified.
enum class CheckStatus { passed, failed, skipped };

std::string_view to_string(CheckStatus status) noexcept;

struct Check {
    std::string name;    // e.g. "report.signature", "measurement"
    bool ok = false;     // did not fail (passed or skipped): callers that only ask "did anything fail?"
    std::string reason;  // why it failed or was skipped, or what was compared when it passed
    bool skipped = false;

    CheckStatus status() const noexcept {
        return skipped ? CheckStatus::skipped : ok ? CheckStatus::passed : CheckStatus::failed;
    }
};

class CheckList {
public:
    void add(std::string name, bool ok, std::string reason);
    void pass(std::string name, std::string reason = {}) { add(std::move(name), true, std::move(reason)); }
    void fail(std::string name, std::string reason) { add(std::move(name), false, std::move(reason)); }
    // A check that did not run; `reason` says why (shown to the user).
    void skip(std::string name, std::string reason);

    const std::vector<Check>& checks() const noexcept { return checks_; }
    // True when at least one check ran and none failed (skipped checks do not fail).
    bool all_ok() const noexcept;
    bool any_skipped() const noexcept;
    // True only when every check ran and passed: what "verified" means.
    bool verified() const noexcept { return all_ok() && !any_skipped(); }
    // "verified", "failed" (a check failed) or "skipped" (none failed, some did not run).
    std::string_view verdict() const noexcept;
    // The check with this name, or nullptr.
    const Check* find(std::string_view name) const noexcept;
    // [{"name", "status", "ok", "reason"}, ...] in check order: the `checks` list of every --json
    // verdict. "ok" (not failed) stays for older readers; "status" is passed, failed or skipped.
    json::Value to_json() const;

private:
    std::vector<Check> checks_;
};

// The skipped "signatures" check that records the caller switched off every signature and
// certificate check (--no-signature-check): the verdict then cannot be "verified".
void note_signatures_not_checked(CheckList& out);

}  // namespace ccvm::attestation
