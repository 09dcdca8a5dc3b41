#include "ccvm/attestation/verify_evidence.hpp"

#include <algorithm>
#include <cctype>

#include "evidence/family_evidence.hpp"

namespace ccvm::attestation {

std::string_view evidence_family_name(EvidenceFamily family) noexcept {
    switch (family) {
        case EvidenceFamily::snp:
            return "snp";
        case EvidenceFamily::tdx:
            return "tdx";
        case EvidenceFamily::csv:
            return "csv";
        case EvidenceFamily::cca:
            return "cca";
    }
    return "?";
}

std::optional<EvidenceFamily> evidence_family_from_name(std::string_view name) noexcept {
    for (EvidenceFamily f : {EvidenceFamily::snp, EvidenceFamily::tdx, EvidenceFamily::csv, EvidenceFamily::cca})
        if (evidence_family_name(f) == name) return f;
    return std::nullopt;
}

std::string_view measurement_register(EvidenceFamily family) noexcept {
    switch (family) {
        case EvidenceFamily::tdx:
            return "mrtd";
        case EvidenceFamily::cca:
            return "rim";
        case EvidenceFamily::snp:
        case EvidenceFamily::csv:
            break;
    }
    return "launch_digest";
}

std::optional<AgentEvidence> agent_evidence(const EvidenceRequest& request, AgentTee tee) {
    const auto detected = detect_agent_evidence(request.evidence);
    if (!detected) {
        // SNP reports, TDX quotes and CCA tokens never begin with '{': such a file is JSON that is
        // malformed or not agent evidence, and parsing it says what is wrong. A CSV report can.
        const auto first = std::find_if(request.evidence.begin(), request.evidence.end(),
                                        [](std::byte b) { return !std::isspace(static_cast<unsigned char>(b)); });
        if (tee == AgentTee::csv || first == request.evidence.end() || *first != std::byte{'{'}) return std::nullopt;
        return parse_agent_evidence(tee, request.evidence, request.source);
    }
    if (*detected != tee)
        throw RequestError(RequestField::evidence,
                           "'" + request.source + "' is " + std::string(agent_tee_name(*detected)) +
                               " attestation-agent evidence, not " + std::string(agent_tee_name(tee)));
    return parse_agent_evidence(tee, request.evidence, request.source);
}

std::optional<Bytes> sized(const std::optional<Bytes>& value, RequestField field, std::size_t size, bool up_to) {
    if (!value) return std::nullopt;
    if (up_to ? value->size() > size : value->size() != size)
        throw RequestError(field, std::string("expected ") + (up_to ? "at most " : "") + std::to_string(size) +
                                      " bytes, got " + std::to_string(value->size()));
    return value;
}

std::optional<Bytes> expected_register(const ExpectedValues& e, const std::string& name,
                                       std::initializer_list<std::size_t> sizes) {
    const auto it = e.registers.values.find(name);
    if (it == e.registers.values.end()) return std::nullopt;
    for (std::size_t size : sizes)
        if (it->second.size() == size) return it->second;
    std::string wanted;
    for (std::size_t size : sizes) wanted += (wanted.empty() ? "" : " or ") + std::to_string(size);
    throw RequestError(RequestField::registers,
                       "expected " + wanted + " bytes, got " + std::to_string(it->second.size()), "expected " + name);
}

void note_not_compared(CheckList& out, const ExpectedValues& e, const std::map<std::string, std::string>& rename) {
    for (const auto& [name, why] : e.registers.not_computed) {
        const auto it = rename.find(name);
        out.skip(it == rename.end() ? name : it->second,
                 "not compared: " + e.origin + " " + name + " is not computed (" + why + ")");
    }
}

EvidenceResult verify_evidence(const EvidenceRequest& request) {
    if (request.verification_time && request.family != EvidenceFamily::tdx)
        throw RequestError(RequestField::verification_time, "applies to TDX evidence only");
    if (request.event_log && request.family != EvidenceFamily::tdx && request.family != EvidenceFamily::csv)
        throw RequestError(RequestField::event_log, "applies to TDX and CSV evidence only");
    switch (request.family) {
        case EvidenceFamily::snp:
            return verify_snp_evidence(request);
        case EvidenceFamily::tdx:
            return verify_tdx_evidence(request);
        case EvidenceFamily::csv:
            return verify_csv_evidence(request);
        case EvidenceFamily::cca:
            return verify_cca_evidence(request);
    }
    throw InputError("unknown evidence family");
}

}  // namespace ccvm::attestation
