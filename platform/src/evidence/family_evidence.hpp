// The per-family halves of verify_evidence() and the helpers they share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/platform/verify_evidence.hpp"

namespace ccvm::platform::evidence {

EvidenceResult verify_snp_evidence(const EvidenceRequest& request);
EvidenceResult verify_tdx_evidence(const EvidenceRequest& request);
EvidenceResult verify_csv_evidence(const EvidenceRequest& request);
EvidenceResult verify_cca_evidence(const EvidenceRequest& request);

// A hex value of exactly `size` bytes (or at most `size` when `up_to`); nullopt when absent.
std::optional<Bytes> hex_value(const std::optional<std::string>& value, std::string_view flag, std::size_t size,
                               bool up_to = false);

// The request's evidence parsed as attestation-agent evidence JSON of `tee` (detected by content);
// nullopt when it is not agent evidence (a binary report, quote or token). InputError when it is
// agent evidence of another family, or malformed.
std::optional<AgentEvidence> agent_evidence(const EvidenceRequest& request, AgentTee tee, std::string_view flag);

// What a spec expects of the evidence: the registers measure_spec computed, the ones it could not
// (with why), and the spec itself for its TEE options.
class SpecRegisters {
public:
    // Empty when the request has no spec.
    explicit SpecRegisters(const SpecReference& ref);

    bool present() const noexcept { return spec_ != nullptr; }
    const VmSpec& spec() const noexcept { return *spec_; }
    // The computed value of a register, by measure_spec's name.
    std::optional<Bytes> computed(const std::string& name) const;
    // True when the spec file sets tee.<key> (not just the family's default).
    bool sets(std::string_view key) const;
    // The spec's blob option (base64) decoded, or nullopt when not set.
    static std::optional<Bytes> blob(const std::optional<std::string>& base64, std::string_view key);
    // A skipped check `evidence_name` "not compared: <why>" for every register measure_spec could
    // not compute; `rename` maps measure_spec names to the evidence's register names.
    void note_not_compared(CheckList& out, const std::map<std::string, std::string>& rename = {}) const;

private:
    const VmSpec* spec_ = nullptr;
    std::map<std::string, Bytes> computed_;
    std::map<std::string, std::string> not_computed_;
};

}  // namespace ccvm::platform::evidence
