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
XmlElement sev_guest_launch_security(const VmSpec& spec, const SevOptions& options);

}  // namespace ccvm::platform
