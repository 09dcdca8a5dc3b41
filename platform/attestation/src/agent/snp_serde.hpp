// The serde (JSON) form of virtee sev's AttestationReport and CertTableEntry, as the attestation
// agent serialises them (sev src/firmware/guest/types/snp.rs, src/firmware/host/types/snp.rs).
#pragma once

#include <string>
#include <vector>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json_fwd.hpp"

namespace ccvm::attestation::agent {

// The 1184-byte report the serde form was made from (reserved bytes zero, as the ABI requires and
// sev writes them); throws InputError naming `what` and the field.
Bytes snp_report_from_serde(const ccvm::json::Value& report, const std::string& what);

// The `cert_chain` array (null or absent: empty).
std::vector<SnpCertEntry> snp_cert_chain_from_serde(const ccvm::json::Value* chain, const std::string& what);

}  // namespace ccvm::attestation::agent
