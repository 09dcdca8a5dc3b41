// verify_agent_evidence(): the family's existing verifier with anchors from attestation_dir, then
// the registers against the expected ones.
#include <filesystem>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/attestation/cca/verify_token.hpp"
#include "ccvm/attestation/csv/report_verifier.hpp"
#include "ccvm/attestation/event_log_check.hpp"
#include "ccvm/attestation/snp/verify_report.hpp"
#include "ccvm/attestation/tdx/event_log_check.hpp"
#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"

namespace ccvm::attestation {
namespace {

namespace fs = std::filesystem;

void merge(const CheckList& from, CheckList& out) {
    for (const Check& c : from.checks()) {
        if (c.skipped)
            out.skip(c.name, c.reason);
        else
            out.add(c.name, c.ok, c.reason);
    }
}

// The first of `stem` + .pem, .der, .crt, .cer under `dir`.
std::optional<fs::path> certificate_file(const fs::path& dir, const std::string& stem) {
    for (const char* ext : {".pem", ".der", ".crt", ".cer"})
        if (fs::is_regular_file(dir / (stem + ext))) return dir / (stem + ext);
    return std::nullopt;
}

X509Ptr load_anchor(const fs::path& path) { return load_certificate(read_file(path), path.string()); }

// ARK and ASK (ASVK for a VLEK) from attestation_dir/snp; the VCEK/VLEK from the evidence, else
// the offline store snp/vcek/<CHIP_ID>. An ASK the evidence carries is used only when the
// directory has none: verify_report checks it against the configured ARK either way.
void verify_snp(const AgentEvidence& ev, const fs::path& dir, CheckList& out) {
    const auto report = snp::parse_attestation_report(ev.raw, ev.source);
    const fs::path snp_dir = dir / "snp";
    snp::SigningChain chain;
    bool vlek = false;
    chain.vek = snp_chain_certificate(ev, "VCEK");
    if (!chain.vek) {
        chain.vek = snp_chain_certificate(ev, "VLEK");
        vlek = chain.vek != nullptr;
    }
    if (!chain.vek)
        if (auto f = certificate_file(snp_dir / "vcek", to_hex(report.chip_id))) chain.vek = load_anchor(*f);
    if (auto f = certificate_file(snp_dir, "ark")) chain.ark = load_anchor(*f);
    if (auto f = certificate_file(snp_dir, vlek ? "asvk" : "ask")) chain.ask = load_anchor(*f);
    if (!chain.ask) chain.ask = snp_chain_certificate(ev, "ASK");

    if (!chain.ark || !chain.ask || !chain.vek) {
        const std::string missing = !chain.ark   ? "no AMD root key: " + (snp_dir / "ark.pem").string() + " is missing"
                                    : !chain.ask ? std::string("no ") + (vlek ? "ASVK" : "ASK") + ": " +
                                                       (snp_dir / (vlek ? "asvk.pem" : "ask.pem")).string() +
                                                       " is missing and the evidence's cert_chain has none"
                                                 : "no VCEK/VLEK: the evidence's cert_chain has none and " +
                                                       (snp_dir / "vcek" / (to_hex(report.chip_id) + ".pem")).string() +
                                                       " is missing";
        out.fail("chain", missing);
        out.fail("report.signature", "not verifiable: " + missing);
    } else {
        merge(snp::verify_report(report, chain, {}), out);
    }
    // Trustee's SNP verifier accepts only reports requested at VMPL 0 (the guest kernel's level).
    if (report.vmpl == 0)
        out.pass("vmpl", "report requested at VMPL 0");
    else
        out.fail("vmpl", "report requested at VMPL " + std::to_string(report.vmpl) + ", not 0");
}

// The collateral directory must hold the TCB info and QE identity too: without them the TCB
// status of the platform and the QE would go unchecked.
void verify_tdx(const AgentEvidence& ev, const fs::path& dir, CheckList& out) {
    const auto quote = tdx::parse_quote(ev.raw, ev.source + ": quote");
    const fs::path tdx_dir = dir / "tdx";
    std::optional<tdx::Collateral> collateral;
    if (!fs::is_directory(tdx_dir)) {
        out.fail("collateral", tdx_dir.string() + " is not a directory (Intel SGX Root CA, TCB info, QE identity)");
    } else {
        collateral = tdx::load_collateral(tdx_dir.string());
        if (!collateral->tcb_info) out.fail("tcb_info", "no tcb_info.json in " + tdx_dir.string());
        if (!collateral->qe_identity) out.fail("qe_identity", "no qe_identity.json in " + tdx_dir.string());
    }
    merge(tdx::verify_quote(quote, collateral ? &*collateral : nullptr, {}, {}), out);
    if (!ev.event_log.empty()) tdx::check_event_log(quote, ev.event_log, ev.source + ": cc_eventlog", out);
}

void verify_cca(const AgentEvidence& ev, const fs::path& dir, CheckList& out) {
    const auto token = cca::parse_attestation_token(ev.raw, ev.source + ": token");
    const fs::path cpak_file = dir / "cca" / "cpak.pem";
    EvpPkeyPtr cpak;
    if (fs::is_regular_file(cpak_file))
        cpak = load_public_key(read_file(cpak_file), cpak_file.string());
    else
        out.fail("cpak", "no CCA platform attestation key: " + cpak_file.string() + " is missing");
    merge(cca::verify_token(token, cpak.get(), {}), out);
}

// HRK and HSK||CEK as csv-rs and trustee name them: csv/hrk.cert, and csv/hsk_cek.cert or the
// trustee offline store csv/hsk_cek/<chip serial>/hsk_cek.cert.
void verify_csv(const AgentEvidence& ev, const fs::path& dir, CheckList& out) {
    const auto report = csv::AttestationReport::parse(ev.raw, ev.source);
    const fs::path csv_dir = dir / "csv", hrk = csv_dir / "hrk.cert";
    fs::path hsk_cek = csv_dir / "hsk_cek" / report.chip_sn / "hsk_cek.cert";
    if (report.chip_sn.empty() || report.chip_sn.find('/') != std::string::npos || !fs::is_regular_file(hsk_cek))
        hsk_cek = csv_dir / "hsk_cek.cert";
    if (!fs::is_regular_file(hrk) || !fs::is_regular_file(hsk_cek)) {
        const std::string missing = (fs::is_regular_file(hrk) ? hsk_cek : hrk).string() + " is missing";
        out.fail("chain", "no Hygon certificate chain: " + missing);
        out.fail("report.signature", "not verifiable: " + missing);
    } else {
        const auto chain = csv::CertChain::parse(read_file(hrk), hrk.string(), read_file(hsk_cek), hsk_cek.string());
        merge(csv::verify_report(report, chain, {}), out);
    }
    // A v1 report has no RTMRs to replay the log against (trustee's CSV verifier ignores it too).
    if (ev.event_log.empty() || report.version == csv::ReportVersion::v1) return;
    LoggedRegisters rtmrs{CcPlatform::csv, {}, "report"};
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr)
        rtmrs.values[mr - 1] = report.rtmr[cc_register_number(CcPlatform::csv, mr)];
    check_event_log(ev.event_log, ev.source + ": cc_eventlog", rtmrs, out);
}

void compare_registers(const AgentEvidence& ev, const ccvm::Registers& expected, CheckList& out) {
    const std::string tee(agent_tee_name(ev.tee));
    if (expected.values.empty() && expected.not_computed.empty()) {
        out.fail("registers", "no expected register values to compare the " + tee + " evidence with");
        return;
    }
    for (const auto& [name, want] : expected.values) {
        const auto it = ev.registers.find(name);
        if (it == ev.registers.end())
            out.fail(name, "the " + tee + " evidence has no register " + name);
        else if (it->second == want)
            out.pass(name, name + " matches " + to_hex(want));
        else
            out.fail(name, name + " " + to_hex(it->second) + " differs from the expected " + to_hex(want));
    }
    for (const auto& [name, why] : expected.not_computed)
        if (expected.values.count(name) == 0)
            out.fail(name, name + " is not determined for this VM (" + why +
                               "), so the boot chain it measures is unchecked; pin its value as a reference value");
}

}  // namespace

CheckList verify_agent_evidence(const AgentEvidence& evidence, const ccvm::Registers& expected,
                                const AgentAnchors& anchors) {
    CheckList out;
    try {
        switch (evidence.tee) {
            case AgentTee::snp:
                verify_snp(evidence, anchors.attestation_dir, out);
                break;
            case AgentTee::tdx:
                verify_tdx(evidence, anchors.attestation_dir, out);
                break;
            case AgentTee::cca:
                verify_cca(evidence, anchors.attestation_dir, out);
                break;
            case AgentTee::csv:
                verify_csv(evidence, anchors.attestation_dir, out);
                break;
        }
    } catch (const InputError& e) {
        // Unusable evidence or anchors (a malformed certificate, event log or collateral file).
        out.fail("evidence", e.what());
    }
    compare_registers(evidence, expected, out);
    return out;
}

}  // namespace ccvm::attestation
