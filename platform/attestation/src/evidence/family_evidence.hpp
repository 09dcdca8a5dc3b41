// The per-family halves of verify_evidence() and the helpers they share.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/attestation/verify_evidence.hpp"

namespace ccvm::attestation {

EvidenceResult verify_snp_evidence(const EvidenceRequest& request);
EvidenceResult verify_tdx_evidence(const EvidenceRequest& request);
EvidenceResult verify_csv_evidence(const EvidenceRequest& request);
EvidenceResult verify_cca_evidence(const EvidenceRequest& request);

// `value` when it is exactly `size` bytes (at most `size` when `up_to`); RequestError naming `field`
// otherwise; nullopt when absent.
std::optional<Bytes> sized(const std::optional<Bytes>& value, RequestField field, std::size_t size, bool up_to = false);

// The request's evidence parsed as attestation-agent evidence JSON of `tee` (detected by content);
// nullopt when it is not agent evidence (a binary report, quote or token). RequestError (evidence)
// when it is agent evidence of another family; InputError when it is malformed.
std::optional<AgentEvidence> agent_evidence(const EvidenceRequest& request, AgentTee tee);

// The expected value of register `name` when given; RequestError when its length is none of `sizes`.
std::optional<Bytes> expected_register(const ExpectedValues& e, const std::string& name,
                                       std::initializer_list<std::size_t> sizes);

// A skipped check "not compared: <origin> <name> is not computed (<why>)" for every register of
// `e.registers.not_computed`; `rename` maps register names to the evidence's check names.
void note_not_compared(CheckList& out, const ExpectedValues& e, const std::map<std::string, std::string>& rename = {});

}  // namespace ccvm::attestation
