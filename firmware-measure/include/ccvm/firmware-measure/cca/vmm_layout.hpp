// Inputs shared by the VMM layout modules, which turn a VM description into a measurement plan.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "ccvm/firmware-measure/cca/measurement.hpp"
#include "ccvm/firmware-measure/cca/realm_params.hpp"

namespace ccvm::cca {

// Realm configuration as a user states it (counts and bits, not RMI encodings).
struct RealmConfig {
    std::optional<MeasurementAlgo> hash_algo;  // VMM default when absent
    std::optional<unsigned> ipa_bits;          // host maximum IPA width; caps the VMM's width
    unsigned sve_vl_bits = 0;                  // 0 = SVE off
    std::optional<unsigned> pmu_counters;      // set = PMU on with that many counters
    unsigned num_bps = 0;                      // counts, 2..64
    unsigned num_wps = 0;
    bool lpa2 = false;
    RmmVersion rmm_version = RmmVersion::v1_0;
};

struct VmmInputs {
    std::optional<std::filesystem::path> kernel, initrd, firmware;
    std::optional<std::uint64_t> firmware_address;
    std::filesystem::path dtb;
    std::uint64_t memory = 0;  // bytes of guest RAM
    unsigned vcpus = 0;        // only reaches the RIM through the DTB
    bool measurement_log = false;
    RealmConfig realm;
};

// The raw RealmParams for `config` on a VMM whose memory map needs `vmm_ipa_bits`: s2sz is the
// smaller of that and the host cap. Throws InputError naming the offending flag.
RealmParams realm_params_for(const RealmConfig& config, MeasurementAlgo vmm_default_algo, unsigned vmm_ipa_bits);

}  // namespace ccvm::cca
