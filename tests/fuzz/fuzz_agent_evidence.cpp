// Fuzzes the attestation-agent evidence parser (the KBS tee-evidence JSON comes from the guest,
// i.e. the attacker): every family's reading of the same bytes, and detection by content.
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ccvm::attestation;
    const ccvm::ByteSpan input(reinterpret_cast<const std::byte*>(data), size);
    (void)detect_agent_evidence(input);
    for (AgentTee tee : {AgentTee::snp, AgentTee::tdx, AgentTee::cca, AgentTee::csv}) {
        try {
            const AgentEvidence ev = parse_agent_evidence(tee, input, "fuzz");
            (void)snp_chain_certificate(ev, "VCEK");
        } catch (const ccvm::Error&) {}
    }
    return 0;
}
