// What a Trustee deployment (confidential-containers/trustee: KBS, attestation service, RVPS) needs
// to serve a spec's VM in place of ccvmd's embedded key broker (`ccvm export trustee`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

struct TrusteeFile {
    std::string name;  // file name in the output directory
    std::string content;
};

struct TrusteeExport {
    // rvps-message.json, reference-values.json, initdata.toml, resource-policy.rego, README.md
    std::vector<TrusteeFile> files;
};

// File names of the export, in the order `files` holds them.
inline constexpr std::string_view kRvpsMessageFile = "rvps-message.json";
inline constexpr std::string_view kReferenceValuesFile = "reference-values.json";
inline constexpr std::string_view kInitdataFile = "initdata.toml";
inline constexpr std::string_view kResourcePolicyFile = "resource-policy.rego";
inline constexpr std::string_view kReadmeFile = "README.md";

// Builds the export of a SEV-SNP, TDX or CCA spec (InputError "source: ..." for other families).
// - Reference values: the registers measure_spec gives (tee.reference-values filling the ones it
//   cannot compute) under the names Trustee's default CPU policy
//   (attestation-service/src/ear_token/ear_default_policy_cpu.rego) queries: snp_launch_measurement
//   and the guest-policy fields; mr_td, rtmr_0..rtmr_3; for CCA the realm initial measurement under
//   the name of Trustee's CCA verifier. A register that policy needs and ccvm cannot determine is an
//   InputError naming it (pin it with tee.reference-values).
// - The RVPS message is the "sample" provenance (rvps/src/extractors/sample) of those values.
// - Initdata: the spec's own file, or, when it names none, default_initdata(name, kbs_url) (InputError
//   without a kbs_url then).
// - Resource policy: releases the spec's runtime_secrets only when every EAR submodule is affirming
//   and the attested initdata is this VM's.
TrusteeExport export_trustee(const VmSpec& spec, std::string_view kbs_url);

}  // namespace ccvm::platform
