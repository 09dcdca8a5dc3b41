// Fuzzes the CCA plan reader and replay, and the DTB header check. Input: plan JSON, optionally
// followed by a NUL byte and DTB bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/cca/dtb.hpp"
#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"

namespace {

// Keeps one run short: unmeasured DATA is hashed granule by granule.
constexpr std::uint64_t kMaxUnmeasured = 1u << 20;

bool cheap(const ccvm::cca::Plan& plan) {
    return std::ranges::all_of(plan.ops, [](const ccvm::cca::PlanOp& op) {
        const auto* u = std::get_if<ccvm::cca::DataUnmeasuredOp>(&op);
        return u == nullptr || u->size <= kMaxUnmeasured;
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view plan_text = input.substr(0, nul);
    try {
        // Relative files resolve under a directory that does not exist: DATA from files fails cleanly.
        const ccvm::cca::Plan plan = ccvm::cca::parse_plan(plan_text, "/nonexistent-fuzz-dir", "fuzz");
        (void)ccvm::json::dump(ccvm::cca::to_json(plan));
        if (cheap(plan)) {
            ccvm::cca::ReplayOptions options;
            options.trace = true;
            options.threads = 1;
            (void)ccvm::cca::replay(plan, options);
        }
    } catch (const ccvm::Error&) {}
    if (nul != std::string_view::npos) {
        const auto dtb = std::as_bytes(std::span(data + nul + 1, size - nul - 1));
        try {
            (void)ccvm::cca::parse_fdt_header(dtb, "fuzz");
        } catch (const ccvm::Error&) {}
    }
    return 0;
}
