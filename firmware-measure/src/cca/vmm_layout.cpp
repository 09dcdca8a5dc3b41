#include "ccvm/firmware-measure/cca/vmm_layout.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cca {
namespace {

// ID_AA64DFR0_EL1: 2..64 hardware breakpoints / watchpoints.
constexpr unsigned kMinDebugCount = 2;
constexpr unsigned kMaxDebugCount = 64;
// SVE: VL is a multiple of 128 bits up to 2048.
constexpr unsigned kSveGranuleBits = 128;
constexpr unsigned kMaxSveBits = 2048;
// PMCR_EL0.N: at most 31 event counters.
constexpr unsigned kMaxPmuCounters = 31;

std::uint32_t debug_count(unsigned count, const char* field) {
    if (count < kMinDebugCount || count > kMaxDebugCount)
        throw InputError(std::string(field) + " " + std::to_string(count) + ": the host's count must be 2..64");
    return count - 1;  // RMI encoding: count - 1
}

}  // namespace

RealmParams realm_params_for(const RealmConfig& config, MeasurementAlgo vmm_default_algo, unsigned vmm_ipa_bits) {
    RealmParams p;
    p.hash_algo = config.hash_algo.value_or(vmm_default_algo);
    p.s2sz = config.ipa_bits ? std::min(*config.ipa_bits, vmm_ipa_bits) : vmm_ipa_bits;
    if (config.lpa2) p.flags |= kRealmFlagLpa2;
    if (config.sve_vl_bits != 0) {
        if (config.sve_vl_bits % kSveGranuleBits != 0 || config.sve_vl_bits > kMaxSveBits)
            throw InputError("sve-vl " + std::to_string(config.sve_vl_bits) +
                             ": must be a multiple of 128 up to 2048 bits (0 = no SVE)");
        p.flags |= kRealmFlagSve;
        p.sve_vl = config.sve_vl_bits / kSveGranuleBits - 1;
    }
    if (config.ipa_bits && p.s2sz < kMinIpaBits)
        throw InputError("ipa-bits " + std::to_string(*config.ipa_bits) + ": a realm needs at least 32 IPA bits");
    if (config.pmu_counters) {
        if (*config.pmu_counters > kMaxPmuCounters)
            throw InputError("pmu-counters " + std::to_string(*config.pmu_counters) + ": at most 31 event counters");
        p.flags |= kRealmFlagPmu;
        p.pmu_num_ctrs = *config.pmu_counters;
    }
    p.num_bps = debug_count(config.num_bps, "num-bps");
    p.num_wps = debug_count(config.num_wps, "num-wps");
    validate(p, config.rmm_version, "realm configuration");
    return p;
}

}  // namespace ccvm::cca
