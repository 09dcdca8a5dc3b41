// Fuzzes the TCG2 crypto-agile CC event log parser (SHA-384 TDX and SM3 CSV logs), replay, the
// register-prefix search and both diffs.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/cc_event_log.hpp"
#include "ccvm/firmware-measure/cc_event_log_diff.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"

namespace {

void exercise_tdx(ccvm::ByteSpan log) {
    try {
        const auto parsed = ccvm::tdx::parse_ccel(log, "fuzz");
        ccvm::tdx::ExpectedRegisters expected;
        expected.values[0] = ccvm::Sha384Digest{};
        expected.values[1] = ccvm::Sha384Digest{};
        expected.events.push_back({1, ccvm::tdx::EventType::separator, ccvm::Sha384Digest{}, "x"});
        (void)ccvm::tdx::first_difference(parsed, expected);
        (void)ccvm::tdx::replay_ccel(parsed);
    } catch (const ccvm::Error&) {}
}

// Any platform (or the one the log's algorithm implies): replay, values-only diff with the prefix
// search, and an event diff with digests of the log's size.
void exercise_generic(ccvm::ByteSpan log, std::optional<ccvm::CcPlatform> platform) {
    try {
        const auto parsed = ccvm::parse_cc_event_log(log, "fuzz", platform);
        const auto replayed = ccvm::replay_cc_event_log(parsed);
        const ccvm::Bytes zero(ccvm::digest_size(parsed.algorithm));
        ccvm::ExpectedCcRegisters values;
        for (auto& v : values.values) v = zero;
        (void)ccvm::first_difference(parsed, values);
        ccvm::ExpectedCcRegisters events;
        events.values[1] = replayed.values[1];
        events.events.push_back({2, ccvm::EventType::ipl, zero, "x"});
        (void)ccvm::first_difference(parsed, events);
        for (std::uint32_t mr = 1; mr <= ccvm::kCcMrCount; ++mr)
            (void)ccvm::describe_register_mismatch(parsed, mr, replayed.values[mr - 1], zero, "expected");
    } catch (const ccvm::Error&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan log(reinterpret_cast<const std::byte*>(data), size);
    exercise_tdx(log);
    exercise_generic(log, std::nullopt);
    exercise_generic(log, ccvm::CcPlatform::csv);
    return 0;
}
