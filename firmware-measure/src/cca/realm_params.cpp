#include "ccvm/firmware-measure/cca/realm_params.hpp"

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"

namespace ccvm::cca {
namespace {

// RMM spec B4.4 RmiRealmParams field offsets.
constexpr std::size_t kFlagsOffset = 0x00;
constexpr std::size_t kS2szOffset = 0x08;
constexpr std::size_t kSveVlOffset = 0x10;
constexpr std::size_t kNumBpsOffset = 0x18;
constexpr std::size_t kNumWpsOffset = 0x20;
constexpr std::size_t kPmuNumCtrsOffset = 0x28;
constexpr std::size_t kHashAlgoOffset = 0x30;

// ID_AA64DFR0_EL1.BRPs/WRPs hold count - 1 in 4 bits; a realm needs at least 2 of each.
constexpr std::uint32_t kMaxDebugEncoding = 63;
// ZCR_ELx.LEN: VL = 128 * (sve_vl + 1) up to 2048 bits.
constexpr std::uint32_t kMaxSveVl = 15;
// PMCR_EL0.N: at most 31 event counters.
constexpr std::uint32_t kMaxPmuCounters = 31;

[[noreturn]] void reject(std::string_view source, const std::string& what) {
    throw InputError(std::string(source) + ": " + what);
}

}  // namespace

void validate(const RealmParams& p, RmmVersion version, std::string_view source) {
    std::uint64_t known = kRealmFlagLpa2 | kRealmFlagSve | kRealmFlagPmu;
    if (version != RmmVersion::v1_0) known |= kRealmFlagDa | kRealmFlagMecPolicy;
    if (p.flags & ~known)
        reject(source, "realm_params.flags " + hex_number(p.flags) + " sets bits undefined in RMM " +
                           std::string(to_string(version)) + " (known: bit0 LPA2, bit1 SVE, bit2 PMU" +
                           (version == RmmVersion::v1_0 ? ")" : ", bit3 DA, bits 7-8 MEC policy)"));
    const unsigned max_bits = (p.flags & kRealmFlagLpa2) ? kMaxIpaBitsLpa2 : kMaxIpaBits;
    if (p.s2sz < kMinIpaBits || p.s2sz > max_bits)
        reject(source, "realm_params.s2sz " + std::to_string(p.s2sz) + " is outside " + std::to_string(kMinIpaBits) +
                           ".." + std::to_string(max_bits) + ((p.flags & kRealmFlagLpa2) ? "" : " (52 needs LPA2)"));
    if (p.sve_vl > kMaxSveVl)
        reject(source,
               "realm_params.sve_vl " + std::to_string(p.sve_vl) + " is not a raw encoding 0..15 (VL_bits/128 - 1)");
    if (p.sve_vl != 0 && !(p.flags & kRealmFlagSve))
        reject(source, "realm_params.sve_vl is set but flags bit1 (SVE) is clear");
    if (p.num_bps == 0 || p.num_bps > kMaxDebugEncoding)
        reject(source, "realm_params.num_bps " + std::to_string(p.num_bps) +
                           " is not a raw encoding 1..63 (count - 1, at least 2 breakpoints)");
    if (p.num_wps == 0 || p.num_wps > kMaxDebugEncoding)
        reject(source, "realm_params.num_wps " + std::to_string(p.num_wps) +
                           " is not a raw encoding 1..63 (count - 1, at least 2 watchpoints)");
    if (p.pmu_num_ctrs > kMaxPmuCounters)
        reject(source, "realm_params.pmu_num_ctrs " + std::to_string(p.pmu_num_ctrs) + " exceeds 31");
    if (p.hash_algo == MeasurementAlgo::sha384 && version == RmmVersion::v1_0)
        reject(source, "hash_algo sha384 needs RMM 1.1 or later (rmm_version 2.0)");
}

Bytes encode_measured_realm_params(const RealmParams& p) {
    Bytes out(kRealmParamsSize);
    store_le<std::uint64_t>(out, kFlagsOffset, p.flags);
    store_le<std::uint32_t>(out, kS2szOffset, p.s2sz);
    store_le<std::uint32_t>(out, kSveVlOffset, p.sve_vl);
    store_le<std::uint32_t>(out, kNumBpsOffset, p.num_bps);
    store_le<std::uint32_t>(out, kNumWpsOffset, p.num_wps);
    store_le<std::uint32_t>(out, kPmuNumCtrsOffset, p.pmu_num_ctrs);
    store_le<std::uint8_t>(out, kHashAlgoOffset, static_cast<std::uint8_t>(p.hash_algo));
    return out;
}

}  // namespace ccvm::cca
