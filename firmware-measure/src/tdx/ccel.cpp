#include "ccvm/firmware-measure/tdx/ccel.hpp"

#include <cstring>

namespace ccvm::tdx {
namespace {

// TCG PC Client PFP spec §10.4.5.1: TCG_EfiSpecIDEventStruct signature; the legacy header's SHA-1 digest.
constexpr std::string_view kSpecIdSignature{"Spec ID Event03\0", 16};
constexpr std::size_t kLegacyDigestSize = 20;

}  // namespace

Rtmrs replay_ccel(const CcelLog& log, std::string_view source) {
    require_cc_platform(log, CcPlatform::tdx, source);
    const CcRegisters replayed = replay_cc_event_log(log, source);
    Rtmrs r{};
    for (std::size_t i = 0; i < kRtmrCount; ++i) std::memcpy(r[i].data(), replayed.values[i].data(), r[i].size());
    return r;
}

Bytes build_ccel(std::span<const Event> events) {
    Bytes out;
    // Spec ID Event03: platformClass 0, spec 2.0 errata 0, uintnSize 2 (64-bit), one algorithm.
    Bytes spec(kSpecIdSignature.size());
    std::memcpy(spec.data(), kSpecIdSignature.data(), kSpecIdSignature.size());
    append_le<std::uint32_t>(spec, 0);
    for (std::uint8_t b : {0, 2, 0, 2}) spec.push_back(std::byte{b});
    append_le<std::uint32_t>(spec, 1);
    append_le<std::uint16_t>(spec, kTpmAlgSha384);
    append_le<std::uint16_t>(spec, 48);
    spec.push_back(std::byte{0});  // vendorInfoSize
    append_le<std::uint32_t>(out, 0);
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(EventType::no_action));
    out.insert(out.end(), kLegacyDigestSize, std::byte{0});
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(spec.size()));
    append(out, spec);
    for (const Event& e : events) {
        append_le<std::uint32_t>(out, e.rtmr + 1);
        append_le<std::uint32_t>(out, static_cast<std::uint32_t>(e.type));
        append_le<std::uint32_t>(out, 1);
        append_le<std::uint16_t>(out, kTpmAlgSha384);
        append(out, e.digest);
        append_le<std::uint32_t>(out, static_cast<std::uint32_t>(e.description.size()));
        append(out, as_bytes(e.description));
    }
    return out;
}

}  // namespace ccvm::tdx
