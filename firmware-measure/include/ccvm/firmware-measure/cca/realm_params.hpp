// RmiRealmParams and the RIM it starts from (RMI_REALM_CREATE).
#pragma once

#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"

namespace ccvm::cca {

// RMM spec B4.4.x RmiRealmFlags0.
inline constexpr std::uint64_t kRealmFlagLpa2 = 1u << 0;
inline constexpr std::uint64_t kRealmFlagSve = 1u << 1;
inline constexpr std::uint64_t kRealmFlagPmu = 1u << 2;
// RMM 1.1+: DA (bit 3) and MEC policy (bits 7-8).
inline constexpr std::uint64_t kRealmFlagDa = 1u << 3;
inline constexpr std::uint64_t kRealmFlagMecPolicy = 3u << 7;

// TF-RMM realm_params_validate: MIN_IPA_BITS 32, 48 bits (52 with LPA2).
inline constexpr unsigned kMinIpaBits = 32;
inline constexpr unsigned kMaxIpaBits = 48;
inline constexpr unsigned kMaxIpaBitsLpa2 = 52;

// RmiRealmParams is one 4 KiB granule (RMM spec B4.4).
inline constexpr std::size_t kRealmParamsSize = 4096;

// The measured fields of RmiRealmParams, in their raw RMI encodings (veraison/cca-realm-measurements):
// num_bps/num_wps = count - 1, sve_vl = VL_bits/128 - 1.
struct RealmParams {
    std::uint64_t flags = 0;
    std::uint32_t s2sz = 0;
    std::uint32_t sve_vl = 0;
    std::uint32_t num_bps = 0;
    std::uint32_t num_wps = 0;
    std::uint32_t pmu_num_ctrs = 0;
    MeasurementAlgo hash_algo = MeasurementAlgo::sha256;
};

// Rejects what the RMM would reject at REALM_CREATE; the error names `source` and the field.
void validate(const RealmParams& params, RmmVersion version, std::string_view source);

// The 4096-byte RmiRealmParams as hashed for RIM0: measured fields at their offsets, everything
// else (RPV, rtt_base, vmid, num_aux_planes, flags1) zero (Arm RMM spec (DEN0137), RMI_REALM_CREATE).
Bytes encode_measured_realm_params(const RealmParams& params);

}  // namespace ccvm::cca
