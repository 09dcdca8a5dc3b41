// `ccvm attest verify-report --mode csv`: Hygon CSV report and HRK -> HSK -> CEK -> PEK chain.
#include <cstdio>
#include <filesystem>

#include "args.hpp"
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/platform/evidence/csv/evidence_json.hpp"
#include "ccvm/platform/evidence/csv/report_verifier.hpp"

namespace ccvm::cli {
namespace {

namespace fs = std::filesystem;
using namespace ccvm::platform::csv;

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
        throw InputError("attest verify-report --mode csv: --cert-chain takes the HRK file then the HSK||CEK file "
                         "(or one directory holding hrk.cert and hsk_cek.cert)");
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

ReportExpectations expectations(const VerifyReportArgs& args) {
    ReportExpectations e;
    e.measurement = fixed<32>(hex_flag(args.expected_measurement, "--expected-measurement", 32));
    e.report_data = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);
    e.host_data = fixed<64>(hex_flag(args.expected_host_data, "--expected-host-data", 64));
    if (args.expected_policy) {
        const std::uint64_t p = parse_uint(*args.expected_policy, "--expected-policy");
        if (p > 0xFFFFFFFFu) throw InputError("--expected-policy: a CSV guest policy is 32 bits");
        e.policy = static_cast<std::uint32_t>(p);
    }
    return e;
}

json::Value registers(const AttestationReport& r) {
    char policy[16];
    std::snprintf(policy, sizeof policy, "0x%x", r.policy);
    json::Value v;
    v.set("version", std::string(to_string(r.version)));
    v.set("measurement", to_hex(r.measure));
    v.set("policy", std::string(policy));
    v.set("report_data", to_hex(r.report_data));
    v.set("mnonce", to_hex(r.mnonce));
    v.set("chip_sn", r.chip_sn);
    v.set("signer_form", r.signer_form == SignerForm::raw ? "raw" : "restored");
    if (r.version != ReportVersion::v1) {
        json::Value rtmr = json::Array{};
        for (const auto& reg : r.rtmr) rtmr.push(to_hex(reg));
        v.set("build", r.build);
        v.set("rtmr", std::move(rtmr));
        if (r.host_data) v.set("host_data", to_hex(*r.host_data));
    }
    return v;
}

}  // namespace

int run_verify_report_csv(const VerifyReportArgs& args) {
    if (args.spec) throw InputError("--spec is not supported for --mode csv yet; use --expected-measurement");
    if (args.cert_chain.empty())
        throw InputError("attest verify-report --mode csv: --cert-chain is required (HRK file, then HSK||CEK file)");
    Bytes raw = read_flag_file(args.report, "--report", "csv");
    // A JSON document is attester evidence (trustee form) wrapping the report.
    if (!raw.empty() && raw.front() == std::byte{'{'}) raw = report_from_evidence_json(as_chars(raw), *args.report);
    const ReportExpectations expected = expectations(args);
    const CertChain chain = load_chain(args.cert_chain);
    const AttestationReport report = AttestationReport::parse(raw, *args.report);
    return print_verdict(verify_report(report, chain, expected), registers(report), args.json);
}

}  // namespace ccvm::cli
