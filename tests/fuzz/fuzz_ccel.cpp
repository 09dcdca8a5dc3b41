// Fuzzes the TCG2 crypto-agile CC event log parser, replay and diff.
#include <cstddef>
#include <cstdint>

#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan log(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto parsed = ccvm::tdx::parse_ccel(log, "fuzz");
        ccvm::tdx::ExpectedRegisters expected;
        expected.values[0] = ccvm::Sha384Digest{};
        expected.values[1] = ccvm::Sha384Digest{};
        expected.events.push_back({1, ccvm::tdx::EventType::separator, ccvm::Sha384Digest{}, "x"});
        (void)ccvm::tdx::first_difference(parsed, expected);
        (void)ccvm::tdx::replay_ccel(parsed);
    } catch (const ccvm::Error&) {
    }
    return 0;
}
