// verify_evidence() for SEV-SNP: the report (binary, hex text or attestation-agent JSON), the VCEK/VLEK chain from
// files or a cache directory, and the expected values from flags or a spec.
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "ccvm/attestation/snp/verify_report.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::platform::evidence {
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
    return from_hex(out, "--report (hex)");
}

// --report-format bin|hex; without it a hex text file is recognised by its content.
Bytes report_bytes(const EvidenceRequest& r) {
    const std::string format =
        r.report_format.value_or(r.evidence.size() != snp::kReportSize && is_hex_text(r.evidence) ? "hex" : "bin");
    if (format == "bin") return r.evidence;
    if (format == "hex") return strip_space(as_chars(r.evidence));
    throw InputError("--report-format: expected bin or hex, got '" + format + "'");
}

// The first of dir/<stem>.pem, .der, .crt, .cer that exists.
std::optional<std::string> cached(const fs::path& dir, std::initializer_list<const char*> stems) {
    for (const char* stem : stems)
        for (const char* ext : {".pem", ".der", ".crt", ".cer"})
            if (fs::exists(dir / (std::string(stem) + ext))) return (dir / (std::string(stem) + ext)).string();
    return std::nullopt;
}

X509Ptr one_certificate(const std::string& path, std::string_view flag) {
    auto certs = load_certificates(read_file(path), path);
    if (certs.size() != 1)
        throw InputError(std::string(flag) + ": '" + path + "' holds " + std::to_string(certs.size()) +
                         " certificates, expected one");
    return std::move(certs.front());
}

// The chain from --vcek/--ask/--ark, where --ask may be the KDS cert_chain (ASK then ARK) and
// --cert-chain may name such a file or a cache directory (ark, ask, vcek or vlek .pem/.der, as
// snpguest writes it); explicit flags win. Without --vcek (and --ask), the VCEK or VLEK (and ASK)
// of attestation-agent evidence's cert_chain are used: the chain check ties them to the --ark root.
snp::SigningChain signing_chain(const TrustAnchors& a, const AgentEvidence* agent) {
    std::optional<std::string> vek = a.vcek, ask = a.ask, ark = a.ark;
    if (a.cert_chain.size() > 1)
        throw InputError("--cert-chain: give it once for --mode snp (a directory or the KDS cert_chain file)");
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
        chain.vek = one_certificate(*vek, "--vcek");
    } else if (agent != nullptr) {
        chain.vek = snp_chain_certificate(*agent, "VCEK");
        if (!chain.vek) chain.vek = snp_chain_certificate(*agent, "VLEK");
    }
    if (!chain.vek)
        throw InputError(agent != nullptr ? "attest verify-report --mode snp: --vcek is required (the evidence's "
                                            "cert_chain has no VCEK or VLEK)"
                                          : "attest verify-report --mode snp: --vcek is required");
    std::vector<X509Ptr> ask_certs;
    if (ask) {
        ask_certs = load_certificates(read_file(*ask), *ask);
        if (ask_certs.size() > 2) throw InputError("--ask: '" + *ask + "' holds more than ASK and ARK");
        chain.ask = std::move(ask_certs.front());
    } else if (agent != nullptr) {
        chain.ask = snp_chain_certificate(*agent, "ASK");
    }
    if (!chain.ask) throw InputError("attest verify-report --mode snp: --ask is required");
    if (ark)
        chain.ark = one_certificate(*ark, "--ark");
    else if (ask_certs.size() == 2)
        chain.ark = std::move(ask_certs[1]);
    else
        throw InputError(
            "attest verify-report --mode snp: --ark is required (or an --ask / --cert-chain file holding ASK and ARK)");
    return chain;
}

// SEV-SNP ABI: the report carries no SEV_FEATURES; the guest features are part of the VMSA and
// so of the measurement. Policy and HOST_DATA are compared when the spec sets them.
snp::ReportExpectations expectations(const EvidenceRequest& r, const SpecRegisters& spec) {
    snp::ReportExpectations e;
    e.report_data = hex_value(r.expected.report_data, "--expected-report-data", 64, true);
    if (!spec.present()) {
        e.measurement = hex_value(r.expected.measurement, "--expected-measurement", 48);
        e.host_data = hex_value(r.expected.host_data, "--expected-host-data", 32);
        e.policy = r.expected.policy;
        return e;
    }
    e.measurement = spec.computed("launch_digest");
    if (const auto* o = spec.spec().options<SnpOptions>()) {
        if (spec.sets("policy")) e.policy = o->policy;
        if (spec.sets("host-data")) e.host_data = SpecRegisters::blob(o->host_data, "host-data");
    }
    return e;
}

}  // namespace

EvidenceResult verify_snp_evidence(const EvidenceRequest& request) {
    const auto agent = agent_evidence(request, AgentTee::snp, "--report");
    if (agent && request.report_format)
        throw InputError("--report-format: '" + request.source +
                         "' is attestation-agent evidence (JSON), not a binary or hex report");
    const Bytes raw = agent ? agent->raw : report_bytes(request);
    const auto report = snp::parse_attestation_report(raw, request.source);
    const SpecRegisters spec(request.spec);
    const snp::ReportExpectations expected = expectations(request, spec);

    EvidenceResult out;
    if (request.check_signatures) {
        out.checks = snp::verify_report(report, signing_chain(request.anchors, agent ? &*agent : nullptr), expected);
    } else {
        note_signatures_not_checked(out.checks);
        snp::compare_report(report, expected, out.checks);
    }
    spec.note_not_compared(out.checks, {{"launch_digest", "measurement"}});
    out.registers.set("version", report.version);
    out.registers.set("measurement", to_hex(report.measurement));
    out.registers.set("report_data", to_hex(report.report_data));
    out.registers.set("host_data", to_hex(report.host_data));
    out.registers.set("policy", hex_number(report.policy));
    out.registers.set("chip_id", to_hex(report.chip_id));
    return out;
}

}  // namespace ccvm::platform::evidence
