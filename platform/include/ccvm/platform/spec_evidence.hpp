// A VM spec as the expected values of its guest's attestation evidence: what `ccvm attest
// verify-report --spec` and ccvmd's Attest hand to the attestation library, which knows no specs.
#pragma once

#include "ccvm/attestation/verify_evidence.hpp"
#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

// The evidence a VM of this TEE produces; InputError for one without runtime evidence (none, SEV, SEV-ES).
attestation::EvidenceFamily evidence_family_of(TeeKind tee);

// What the evidence of `spec`'s VM must show: the registers `measured` (measure_spec's, or those
// ccvmd recorded when it created the VM; a register not computed becomes a skipped check) and the
// TEE options the spec file sets: SNP policy and host-data, CSV policy, TDX attributes, mrconfigid,
// mrowner and mrownerconfig, CCA personalization-value. A family's default is not compared.
attestation::ExpectedValues spec_expected_values(const VmSpec& spec, Registers measured);

}  // namespace ccvm::platform
