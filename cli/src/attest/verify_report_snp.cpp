// `ccvm attest verify-report --mode snp`: an SEV-SNP attestation report against its VCEK/VLEK chain.
#include <cctype>
#include <cstdio>

#include "args.hpp"
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/platform/evidence/snp/verify_report.hpp"

namespace ccvm::cli {
namespace {

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
Bytes report_bytes(const VerifyReportArgs& args) {
    Bytes raw = read_flag_file(args.report, "--report", "snp");
    const std::string format = args.report_format.value_or(
        raw.size() != platform::snp::kReportSize && is_hex_text(raw) ? "hex" : "bin");
    if (format == "bin") return raw;
    if (format == "hex") return strip_space(as_chars(raw));
    throw InputError("--report-format: expected bin or hex, got '" + format + "'");
}

}  // namespace

int run_verify_report_snp(const VerifyReportArgs& args) {
    const Bytes raw = report_bytes(args);
    const auto report = platform::snp::parse_attestation_report(raw, *args.report);
    platform::snp::SigningChain chain;
    chain.vek = platform::evidence::load_certificate(read_flag_file(args.vcek, "--vcek", "snp"), *args.vcek);
    chain.ask = platform::evidence::load_certificate(read_flag_file(args.ask, "--ask", "snp"), *args.ask);
    chain.ark = platform::evidence::load_certificate(read_flag_file(args.ark, "--ark", "snp"), *args.ark);

    platform::snp::ReportExpectations expected;
    expected.measurement = hex_flag(args.expected_measurement, "--expected-measurement", 48);
    expected.host_data = hex_flag(args.expected_host_data, "--expected-host-data", 32);
    expected.report_data = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);
    if (args.expected_policy) expected.policy = parse_uint(*args.expected_policy, "--expected-policy");
    if (args.spec) throw InputError("--spec is not supported for --mode snp yet; use --expected-measurement");

    const auto checks = platform::snp::verify_report(report, chain, expected);
    json::Value registers;
    registers.set("version", report.version);
    registers.set("measurement", to_hex(report.measurement));
    registers.set("report_data", to_hex(report.report_data));
    registers.set("host_data", to_hex(report.host_data));
    char policy[24];
    std::snprintf(policy, sizeof policy, "0x%llx", static_cast<unsigned long long>(report.policy));
    registers.set("policy", std::string(policy));
    registers.set("chip_id", to_hex(report.chip_id));
    return print_verdict(checks, registers, args.json);
}

}  // namespace ccvm::cli
