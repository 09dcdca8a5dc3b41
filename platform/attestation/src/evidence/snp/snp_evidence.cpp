// verify_evidence() for SEV-SNP: the report (binary, hex text or attestation-agent JSON), the VCEK/VLEK chain from
// files, a cache directory or the evidence's cert_chain, and the expected values.
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "ccvm/attestation/snp/verify_report.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::attestation {
namespace {

namespace fs = std::filesystem;

bool is_hex_text(ByteSpan data) {
    for (std::byte b : data) {
        const auto c = static_cast<unsigned char>(b);
        if (!std::isxdigit(c) && !std::isspace(c)) return false;
    }
    return !data.empty();
}

Bytes strip_space(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    try {
        return from_hex(out, "hex report");
    } catch (const InputError& e) {
        throw RequestError(RequestField::evidence, e.what());
    }
}

// The report format, bin or hex; without it a hex text file is recognised by its content.
Bytes report_bytes(const EvidenceRequest& r) {
    const std::string format =
        r.report_format.value_or(r.evidence.size() != snp::kReportSize && is_hex_text(r.evidence) ? "hex" : "bin");
    if (format == "bin") return r.evidence;
    if (format == "hex") return strip_space(as_chars(r.evidence));
    throw RequestError(RequestField::report_format, "expected bin or hex, got '" + format + "'");
}

// The first of dir/<stem>.pem, .der, .crt, .cer that exists.
std::optional<std::string> cached(const fs::path& dir, std::initializer_list<const char*> stems) {
    for (const char* stem : stems)
        for (const char* ext : {".pem", ".der", ".crt", ".cer"})
            if (fs::exists(dir / (std::string(stem) + ext))) return (dir / (std::string(stem) + ext)).string();
    return std::nullopt;
}

X509Ptr one_certificate(const std::string& path, RequestField field) {
    auto certs = load_certificates(read_file(path), path);
    if (certs.size() != 1)
        throw RequestError(field,
                           "'" + path + "' holds " + std::to_string(certs.size()) + " certificates, expected one");
    return std::move(certs.front());
}

// The chain from the VCEK, ASK and ARK files, where the ASK file may be the KDS cert_chain (ASK then
// ARK) and the certificate chain may name such a file or a cache directory (ark, ask, vcek or vlek
// .pem/.der, as snpguest writes it); files named one by one win. Without a VCEK (and ASK) file, the
// VCEK or VLEK (and ASK) of attestation-agent evidence's cert_chain are used: the chain check ties
// them to the ARK root.
snp::SigningChain signing_chain(const TrustAnchors& a, const AgentEvidence* agent) {
    std::optional<std::string> vek = a.vcek, ask = a.ask, ark = a.ark;
    if (a.cert_chain.size() > 1)
        throw RequestError(RequestField::cert_chain, "SNP takes one (a directory or the KDS cert_chain file)");
    if (a.cert_chain.size() == 1) {
        const fs::path p = a.cert_chain.front();
        if (fs::is_directory(p)) {
            if (!vek) vek = cached(p, {"vcek", "vlek"});
            if (!ask) ask = cached(p, {"ask", "asvk"});
            if (!ark) ark = cached(p, {"ark"});
        } else if (!ask) {
            ask = p.string();
        }
    }
    snp::SigningChain chain;
    if (vek) {
        chain.vek = one_certificate(*vek, RequestField::vcek);
    } else if (agent != nullptr) {
        chain.vek = snp_chain_certificate(*agent, "VCEK");
        if (!chain.vek) chain.vek = snp_chain_certificate(*agent, "VLEK");
    }
    if (!chain.vek)
        throw RequestError(RequestField::vcek, agent != nullptr ? "required to check the signature of SNP evidence "
                                                                  "(the evidence's cert_chain has no VCEK or VLEK)"
                                                                : "required to check the signature of SNP evidence");
    std::vector<X509Ptr> ask_certs;
    if (ask) {
        ask_certs = load_certificates(read_file(*ask), *ask);
        if (ask_certs.size() > 2) throw RequestError(RequestField::ask, "'" + *ask + "' holds more than ASK and ARK");
        chain.ask = std::move(ask_certs.front());
    } else if (agent != nullptr) {
        chain.ask = snp_chain_certificate(*agent, "ASK");
    }
    if (!chain.ask) throw RequestError(RequestField::ask, "required to check the signature of SNP evidence");
    if (ark)
        chain.ark = one_certificate(*ark, RequestField::ark);
    else if (ask_certs.size() == 2)
        chain.ark = std::move(ask_certs[1]);
    else
        throw RequestError(RequestField::ark,
                           "required (or an ASK or certificate-chain file holding ASK and ARK) to check the signature "
                           "of SNP evidence");
    return chain;
}

// SEV-SNP ABI: the report carries no SEV_FEATURES; the guest features are part of the VMSA and
// so of the measurement (launch_digest, 48 bytes).
snp::ReportExpectations expectations(const ExpectedValues& x) {
    snp::ReportExpectations e;
    e.report_data = sized(x.report_data, RequestField::report_data, 64, true);
    e.measurement = expected_register(x, "launch_digest", {48});
    e.host_data = sized(x.host_data, RequestField::host_data, 32);
    e.policy = x.policy;
    return e;
}

}  // namespace

EvidenceResult verify_snp_evidence(const EvidenceRequest& request) {
    const auto agent = agent_evidence(request, AgentTee::snp);
    if (agent && request.report_format)
        throw RequestError(RequestField::report_format,
                           "'" + request.source + "' is attestation-agent evidence (JSON), not a binary or hex report");
    const Bytes raw = agent ? agent->raw : report_bytes(request);
    const auto report = snp::parse_attestation_report(raw, request.source);
    const snp::ReportExpectations expected = expectations(request.expected);

    EvidenceResult out;
    if (request.check_signatures) {
        out.checks = snp::verify_report(report, signing_chain(request.anchors, agent ? &*agent : nullptr), expected);
    } else {
        note_signatures_not_checked(out.checks);
        snp::compare_report(report, expected, out.checks);
    }
    note_not_compared(out.checks, request.expected, {{"launch_digest", "measurement"}});
    out.registers["version"] = report.version;
    out.registers["measurement"] = to_hex(report.measurement);
    out.registers["report_data"] = to_hex(report.report_data);
    out.registers["host_data"] = to_hex(report.host_data);
    out.registers["policy"] = hex_number(report.policy);
    out.registers["chip_id"] = to_hex(report.chip_id);
    return out;
}

}  // namespace ccvm::attestation
