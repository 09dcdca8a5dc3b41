#include "ccvm/attestation/agent_evidence.hpp"

#include <algorithm>
#include <array>

#include "agent/json_input.hpp"
#include "agent/snp_serde.hpp"
#include "ccvm/attestation/cca/attestation_token.hpp"
#include "ccvm/attestation/csv/attestation_report.hpp"
#include "ccvm/attestation/csv/evidence_json.hpp"
#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation {
namespace {

using json = ccvm::json::Value;

template <typename C>
Bytes to_bytes(const C& c) {
    return Bytes(c.begin(), c.end());
}

void parse_snp(const json& doc, AgentEvidence& out) {
    const std::string& src = out.source;
    agent::object(doc, {"attestation_report", "cert_chain"}, src);
    out.raw = agent::snp_report_from_serde(agent::member(doc, "attestation_report", src), src + ": attestation_report");
    out.cert_chain = agent::snp_cert_chain_from_serde(agent::optional_member(doc, "cert_chain"), src + ": cert_chain");
    const auto report = snp::parse_attestation_report(out.raw, src);
    out.report_data = to_bytes(report.report_data);
    out.init_data = to_bytes(report.host_data);
    out.registers.emplace("launch_digest", to_bytes(report.measurement));
}

void parse_tdx(const json& doc, AgentEvidence& out) {
    const std::string& src = out.source;
    agent::object(doc, {"quote", "cc_eventlog"}, src);
    out.raw = agent::base64_string(agent::member(doc, "quote", src), src + ": quote");
    if (const json* log = agent::optional_member(doc, "cc_eventlog"))
        out.event_log = agent::base64_string(*log, src + ": cc_eventlog");
    const auto quote = tdx::parse_quote(out.raw, src + ": quote");
    out.report_data = to_bytes(quote.body.report_data);
    out.init_data = to_bytes(quote.body.mrconfigid);
    out.registers.emplace("mrtd", to_bytes(quote.body.mrtd));
    for (std::size_t i = 0; i < 4; ++i) out.registers.emplace("rtmr" + std::to_string(i), to_bytes(quote.body.rtmr[i]));
}

void parse_cca(const json& doc, AgentEvidence& out) {
    const std::string& src = out.source;
    agent::object(doc, {"token"}, src);
    out.raw = agent::bytes_or_base64(agent::member(doc, "token", src), src + ": token");
    const auto token = cca::parse_attestation_token(out.raw, src + ": token");
    const auto& realm = token.realm_claims;
    out.report_data = realm.challenge;
    out.init_data = realm.rpv;
    out.registers.emplace("rim", realm.rim);
    for (std::size_t i = 0; i < 4; ++i) out.registers.emplace("rem" + std::to_string(i), realm.rem[i]);
}

// trustee deps/verifier/src/csv: the report wrapper, the PEK (and optionally HSK/CEK) in
// cert_chain, the chip serial number and the event log. The report itself is read by
// csv::report_from_evidence_json; the PEK is taken from the report's signer block.
void parse_csv(const json& doc, std::string_view text, AgentEvidence& out) {
    const std::string& src = out.source;
    agent::object(doc, {"attestation_report", "cert_chain", "serial_number", "cc_eventlog"}, src);
    out.raw = csv::report_from_evidence_json(text, src);
    if (const json* log = agent::optional_member(doc, "cc_eventlog"))
        out.event_log = agent::base64_string(*log, src + ": cc_eventlog");
    const auto report = csv::AttestationReport::parse(out.raw, src);
    out.report_data = to_bytes(report.report_data);
    out.registers.emplace("launch_digest", to_bytes(report.measure));
}

}  // namespace

std::string_view agent_tee_name(AgentTee tee) noexcept {
    switch (tee) {
        case AgentTee::snp:
            return "snp";
        case AgentTee::tdx:
            return "tdx";
        case AgentTee::cca:
            return "cca";
        case AgentTee::csv:
            return "csv";
    }
    return "?";
}

std::optional<AgentTee> agent_tee_from_name(std::string_view name) noexcept {
    for (AgentTee t : {AgentTee::snp, AgentTee::tdx, AgentTee::cca, AgentTee::csv})
        if (agent_tee_name(t) == name) return t;
    return std::nullopt;
}

AgentEvidence parse_agent_evidence(AgentTee tee, std::span<const std::byte> tee_evidence_json,
                                   std::string_view source) {
    AgentEvidence out;
    out.tee = tee;
    out.source = std::string(source);
    const std::string_view text = as_chars(tee_evidence_json);
    const json doc = agent::parse_json(text, source);
    switch (tee) {
        case AgentTee::snp:
            parse_snp(doc, out);
            break;
        case AgentTee::tdx:
            parse_tdx(doc, out);
            break;
        case AgentTee::cca:
            parse_cca(doc, out);
            break;
        case AgentTee::csv:
            parse_csv(doc, text, out);
            break;
    }
    return out;
}

std::optional<AgentTee> detect_agent_evidence(std::span<const std::byte> data) noexcept {
    const auto first = std::find_if(data.begin(), data.end(), [](std::byte b) {
        return b != std::byte{' '} && b != std::byte{'\n'} && b != std::byte{'\r'} && b != std::byte{'\t'};
    });
    if (first == data.end() || *first != std::byte{'{'}) return std::nullopt;
    try {
        // Duplicate keys are let through here so that parsing names them, rather than the evidence
        // being taken for a binary report.
        const json doc = agent::parse_json(as_chars(data), "evidence", true);
        if (!doc.is_object()) return std::nullopt;
        if (doc.contains("quote")) return AgentTee::tdx;
        if (doc.contains("token")) return AgentTee::cca;
        const auto report = doc.find("attestation_report");
        if (report == doc.end() || !report->is_object()) return std::nullopt;
        if (report->contains("magic") || doc.contains("serial_number")) return AgentTee::csv;
        return AgentTee::snp;
    } catch (...) {
        return std::nullopt;
    }
}

X509Ptr snp_chain_certificate(const AgentEvidence& evidence, std::string_view type) {
    for (const SnpCertEntry& e : evidence.cert_chain)
        if (e.type == type) return load_certificate(e.data, evidence.source + ": cert_chain " + std::string(type));
    return nullptr;
}

}  // namespace ccvm::attestation
