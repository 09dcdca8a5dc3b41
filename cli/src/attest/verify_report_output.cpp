#include "attest/verify_report_output.hpp"

#include <cstdio>
#include <iostream>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "flag_names.hpp"

namespace ccvm::cli {

namespace {

// The checks with their reasons worded for the CLI (flags instead of the library's field names).
attestation::CheckList flag_worded(const attestation::CheckList& in) {
    attestation::CheckList out;
    for (const auto& c : in.checks()) {
        if (c.skipped)
            out.skip(c.name, with_flag_names(c.reason));
        else
            out.add(c.name, c.ok, with_flag_names(c.reason));
    }
    return out;
}

}  // namespace

int print_verdict(const attestation::CheckList& library_checks, const json::Value& registers, bool as_json) {
    using attestation::CheckStatus;
    const attestation::CheckList checks = flag_worded(library_checks);
    if (as_json) {
        json::Value out;
        out["verified"] = checks.verified();
        out["verdict"] = std::string(checks.verdict());
        if (registers.is_object())
            for (const auto& [key, value] : json::get_object(registers)) out[key] = value;
        out["checks"] = checks.to_json();
        std::cout << json::dump(out, true) << "\n";
    } else if (checks.verified()) {
        std::cout << "verified\n";
    } else if (checks.all_ok()) {
        // Nothing failed, but not everything ran: say so rather than "verified".
        std::cout << "skipped: not every check ran\n";
        for (const auto& c : checks.checks())
            if (c.status() == CheckStatus::skipped) std::cout << "  " << c.name << " skipped: " << c.reason << "\n";
    }
    for (const auto& c : checks.checks())
        if (c.status() == CheckStatus::failed) std::cerr << "ccvm: check " << c.name << " failed: " << c.reason << "\n";
    // Exit 0 when every check that ran passed (skipped ones are listed above), 1 when one failed.
    return checks.all_ok() ? 0 : 1;
}

Bytes read_flag_file(const std::optional<std::string>& path, std::string_view flag, std::string_view mode) {
    if (!path)
        throw InputError("attest verify-report --mode " + std::string(mode) + ": " + std::string(flag) +
                         " is required");
    return read_file(*path);
}

}  // namespace ccvm::cli
