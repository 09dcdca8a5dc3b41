#include "attest/verify_report_output.hpp"

#include <cstdio>
#include <iostream>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"

namespace ccvm::cli {

int print_verdict(const platform::evidence::CheckList& checks, const json::Value& registers, bool as_json) {
    const bool verified = checks.all_ok();
    if (as_json) {
        json::Value out;
        out.set("verified", verified);
        if (registers.is_object())
            for (const auto& [key, value] : registers.as_object()) out.set(key, value);
        out.set("checks", checks.to_json());
        std::cout << out.dump(true) << "\n";
    } else if (verified) {
        std::cout << "verified\n";
    }
    for (const auto& c : checks.checks())
        if (!c.ok) std::cerr << "ccvm: check " << c.name << " failed: " << c.reason << "\n";
    return verified ? 0 : 1;
}

Bytes read_flag_file(const std::optional<std::string>& path, std::string_view flag, std::string_view mode) {
    if (!path) throw InputError("attest verify-report --mode " + std::string(mode) + ": " + std::string(flag) + " is required");
    return read_file(*path);
}

}  // namespace ccvm::cli
