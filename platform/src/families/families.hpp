// The concrete family objects behind tee_family(); each lives in its own file.
#pragma once

#include <string>

#include "ccvm/platform/tee_family.hpp"

namespace ccvm::platform {

const TeeFamily& no_tee_family();
const TeeFamily& sev_family(TeeKind kind);  // sev, sev-es
const TeeFamily& sev_snp_family();
const TeeFamily& tdx_family();
const TeeFamily& csv_family(TeeKind kind);  // csv, csv2, csv3
const TeeFamily& cca_family();

// "0x...." as libvirt prints policies.
std::string hex_value(std::uint64_t v, int min_digits = 1);

// <launchSecurity type='sev'> for the QEMU sev-guest object shared by SEV, SEV-ES and CSV.
// `session_size`: the family's LAUNCH_START session blob (SEV 128 bytes, CSV 772).
XmlElement sev_guest_launch_security(const VmSpec& spec, const SevOptions& options, std::size_t session_size);

// AMD SEV API spec (pub. 55766) LAUNCH_START: the SEV session blob; csv-rs src/session (csv-rs Session): the CSV
// session body and signature.
inline constexpr std::size_t kSevSessionSize = 128;
inline constexpr std::size_t kCsvSessionSize = 772;

}  // namespace ccvm::platform
