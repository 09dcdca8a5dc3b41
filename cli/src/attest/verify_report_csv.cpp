// `ccvm attest verify-report --mode csv`: Hygon CSV report and HRK -> HSK -> CEK -> PEK chain.
#include <filesystem>
#include <iostream>

#include "attest/verify_report_args.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/platform/evidence/csv/report_verifier.hpp"

namespace ccvm::cli {
namespace {

namespace fs = std::filesystem;
using namespace ccvm::platform::csv;

// The file names of a chain directory (as csv-rs and the Hygon KDS name them).
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

std::optional<Sm3Digest> expected_measurement(const VerifyReportArgs& args) {
    if (!args.expected_measurement) return std::nullopt;
    const Bytes b = from_hex(*args.expected_measurement, "--expected-measurement");
    if (b.size() != Sm3Digest{}.size())
        throw InputError("--expected-measurement: expected 32 bytes (64 hex digits), got " + std::to_string(b.size()));
    Sm3Digest d{};
    std::copy(b.begin(), b.end(), d.begin());
    return d;
}

json::Value to_json(const AttestationReport& r, const ReportVerification& v) {
    json::Object out{{"verified", v.verified},
                     {"version", std::string(to_string(r.version))},
                     {"measurement", to_hex(r.measure)},
                     {"policy", r.policy},
                     {"report_data", to_hex(r.report_data)},
                     {"mnonce", to_hex(r.mnonce)},
                     {"chip_sn", r.chip_sn},
                     {"signer_form", r.signer_form == SignerForm::raw ? "raw" : "restored"}};
    if (r.version != ReportVersion::v1) {
        json::Array rtmr;
        for (const auto& reg : r.rtmr) rtmr.emplace_back(to_hex(reg));
        out.emplace_back("build", r.build);
        out.emplace_back("rtmr", std::move(rtmr));
        if (r.host_data) out.emplace_back("host_data", to_hex(*r.host_data));
    }
    json::Array checks;
    for (const auto& c : v.checks) checks.emplace_back(json::Object{{"name", c.name}, {"ok", c.ok}, {"reason", c.reason}});
    out.emplace_back("checks", std::move(checks));
    return out;
}

}  // namespace

int run_csv_report(const VerifyReportArgs& args) {
    if (!args.report) throw InputError("attest verify-report --mode csv: --report FILE is required");
    if (args.cert_chain.empty())
        throw InputError("attest verify-report --mode csv: --cert-chain is required (HRK file, then HSK||CEK file)");
    const auto expected = expected_measurement(args);
    const CertChain chain = load_chain(args.cert_chain);
    const AttestationReport report = AttestationReport::parse(read_file(*args.report), *args.report);
    const ReportVerification v = verify_report(report, chain, expected);

    if (args.json) std::cout << to_json(report, v).dump(true) << "\n";
    else if (v.verified) std::cout << "ok\n";
    for (const auto& c : v.checks)
        if (!c.ok) std::cerr << "ccvm: " << c.name << " check failed: " << c.reason << "\n";
    return v.verified ? 0 : 1;
}

}  // namespace ccvm::cli
