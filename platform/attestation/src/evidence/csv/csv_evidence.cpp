// verify_evidence() for Hygon CSV: the report (raw or trustee JSON evidence), the HRK -> HSK -> CEK
// chain, and the expected values.
#include <filesystem>

#include "ccvm/attestation/csv/report_verifier.hpp"
#include "ccvm/attestation/event_log_check.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::attestation {
namespace {

namespace fs = std::filesystem;
using namespace ccvm::attestation::csv;

// The file names of a chain directory (as csv-rs names them).
constexpr const char* kHrkFile = "hrk.cert";
constexpr const char* kHskCekFile = "hsk_cek.cert";

CertChain load_chain(const std::vector<std::string>& paths) {
    std::string hrk, hsk_cek;
    if (paths.size() == 1 && fs::is_directory(paths[0])) {
        hrk = (fs::path(paths[0]) / kHrkFile).string();
        hsk_cek = (fs::path(paths[0]) / kHskCekFile).string();
    } else if (paths.size() == 2) {
        hrk = paths[0];
        hsk_cek = paths[1];
    } else {
        throw RequestError(RequestField::cert_chain,
                           "CSV takes the HRK file then the HSK||CEK file (or one directory holding hrk.cert and "
                           "hsk_cek.cert)");
    }
    return CertChain::parse(read_file(hrk), hrk, read_file(hsk_cek), hsk_cek);
}

template <std::size_t N>
std::optional<std::array<std::byte, N>> fixed(const std::optional<Bytes>& b) {
    if (!b) return std::nullopt;
    std::array<std::byte, N> out{};
    std::copy(b->begin(), b->end(), out.begin());
    return out;
}

std::uint32_t policy32(std::uint64_t p) {
    if (p > 0xFFFFFFFFu) throw RequestError(RequestField::policy, "a CSV guest policy is 32 bits");
    return static_cast<std::uint32_t>(p);
}

// The report's MEASURE is the SM3 launch digest (Hygon QEMU target/i386/csv.c).
ReportExpectations expectations(const ExpectedValues& x) {
    ReportExpectations e;
    e.report_data = sized(x.report_data, RequestField::report_data, 64, true);
    e.measurement = fixed<32>(expected_register(x, "launch_digest", {32}));
    e.host_data = fixed<64>(sized(x.host_data, RequestField::host_data, 64));
    if (x.policy) e.policy = policy32(*x.policy);
    return e;
}

json::Value registers(const AttestationReport& r) {
    json::Value v;
    v["version"] = std::string(to_string(r.version));
    v["measurement"] = to_hex(r.measure);
    v["policy"] = hex_number(r.policy);
    v["report_data"] = to_hex(r.report_data);
    v["mnonce"] = to_hex(r.mnonce);
    v["chip_sn"] = r.chip_sn;
    v["signer_form"] = r.signer_form == SignerForm::raw ? "raw" : "restored";
    if (r.version != ReportVersion::v1) {
        json::Value rtmr = json::Value::array();
        for (const auto& reg : r.rtmr) rtmr.push_back(to_hex(reg));
        v["build"] = r.build;
        v["rtmr"] = std::move(rtmr);
        if (r.host_data) v["host_data"] = to_hex(*r.host_data);
    }
    return v;
}

// The CC event log replayed against the V2/V3 report's RTMR1..4 (RTMR0 is not logged; trustee
// deps/verifier/src/csv/mod.rs compares the same registers).
void check_csv_event_log(const AttestationReport& report, ByteSpan log, const std::string& source, CheckList& out) {
    if (report.version == ReportVersion::v1)
        throw RequestError(RequestField::event_log,
                           source + ": a CSV v1 attestation report carries no RTMRs (v2 and v3 do)");
    LoggedRegisters rtmrs{CcPlatform::csv, {}, "report"};
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr)
        rtmrs.values[mr - 1] = report.rtmr[cc_register_number(CcPlatform::csv, mr)];
    check_event_log(log, source, rtmrs, out);
}

}  // namespace

EvidenceResult verify_csv_evidence(const EvidenceRequest& request) {
    if (request.check_signatures && request.anchors.cert_chain.empty())
        throw RequestError(RequestField::cert_chain,
                           "required to check the signature of CSV evidence (HRK file, then HSK||CEK file)");
    // Attestation-agent evidence (trustee form) wraps the report and may carry the CC event log.
    const auto agent = agent_evidence(request, AgentTee::csv);
    const Bytes raw = agent ? agent->raw : request.evidence;
    const ReportExpectations expected = expectations(request.expected);
    const AttestationReport report = AttestationReport::parse(raw, request.source);

    EvidenceResult out;
    if (request.check_signatures) {
        out.checks = verify_report(report, load_chain(request.anchors.cert_chain), expected);
    } else {
        note_signatures_not_checked(out.checks);
        compare_report(report, expected, out.checks);
    }
    note_not_compared(out.checks, request.expected, {{"launch_digest", "measurement"}});
    if (request.event_log)
        check_csv_event_log(report, read_file(*request.event_log), *request.event_log, out.checks);
    else if (agent && !agent->event_log.empty() && report.version != ReportVersion::v1)
        check_csv_event_log(report, agent->event_log, request.source + ": cc_eventlog", out.checks);
    out.registers = registers(report);
    return out;
}

}  // namespace ccvm::attestation
