// `ccvm attest verify-report --mode snp`: an SEV-SNP attestation report against its VCEK/VLEK chain.
#include <cctype>
#include <filesystem>
#include <cstdio>

#include "args.hpp"
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "attest/verify_report_spec.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
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

namespace fs = std::filesystem;

// The first of dir/<stem>.pem, dir/<stem>.der that exists.
std::optional<std::string> cached(const fs::path& dir, std::initializer_list<const char*> stems) {
    for (const char* stem : stems)
        for (const char* ext : {".pem", ".der", ".crt", ".cer"})
            if (fs::exists(dir / (std::string(stem) + ext))) return (dir / (std::string(stem) + ext)).string();
    return std::nullopt;
}

const std::string& read_flag_path(const std::optional<std::string>& path, std::string_view flag) {
    if (!path) throw InputError("attest verify-report --mode snp: " + std::string(flag) + " is required");
    return *path;
}

platform::evidence::X509Ptr one_certificate(const std::string& path, std::string_view flag) {
    auto certs = platform::evidence::load_certificates(read_file(path), path);
    if (certs.size() != 1)
        throw InputError(std::string(flag) + ": '" + path + "' holds " + std::to_string(certs.size()) +
                         " certificates, expected one");
    return std::move(certs.front());
}

// The chain from --vcek/--ask/--ark, where --ask may be the KDS cert_chain (ASK then ARK) and
// --cert-chain may name such a file or a cache directory (ark, ask, vcek or vlek .pem/.der, as
// snpguest writes it); explicit flags win.
platform::snp::SigningChain signing_chain(const VerifyReportArgs& args) {
    std::optional<std::string> vek = args.vcek, ask = args.ask, ark = args.ark;
    if (args.cert_chain.size() > 1) throw InputError("--cert-chain: give it once for --mode snp (a directory or the KDS cert_chain file)");
    if (args.cert_chain.size() == 1) {
        const fs::path p = args.cert_chain.front();
        if (fs::is_directory(p)) {
            if (!vek) vek = cached(p, {"vcek", "vlek"});
            if (!ask) ask = cached(p, {"ask", "asvk"});
            if (!ark) ark = cached(p, {"ark"});
        } else if (!ask) {
            ask = p.string();
        }
    }
    platform::snp::SigningChain chain;
    chain.vek = one_certificate(read_flag_path(vek, "--vcek"), "--vcek");
    auto ask_certs = platform::evidence::load_certificates(read_file(read_flag_path(ask, "--ask")), *ask);
    if (ask_certs.size() > 2) throw InputError("--ask: '" + *ask + "' holds more than ASK and ARK");
    chain.ask = std::move(ask_certs.front());
    if (ark)
        chain.ark = one_certificate(*ark, "--ark");
    else if (ask_certs.size() == 2)
        chain.ark = std::move(ask_certs[1]);
    else
        throw InputError("attest verify-report --mode snp: --ark is required (or an --ask / --cert-chain file holding ASK and ARK)");
    return chain;
}

}  // namespace

int run_verify_report_snp(const VerifyReportArgs& args) {
    const Bytes raw = report_bytes(args);
    const auto report = platform::snp::parse_attestation_report(raw, *args.report);
    platform::snp::SigningChain chain = signing_chain(args);

    platform::snp::ReportExpectations expected;
    expected.measurement = hex_flag(args.expected_measurement, "--expected-measurement", 48);
    expected.host_data = hex_flag(args.expected_host_data, "--expected-host-data", 32);
    expected.report_data = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);
    if (args.expected_policy) expected.policy = parse_uint(*args.expected_policy, "--expected-policy");
    const auto spec = load_spec_expectations(args, platform::TeeKind::sev_snp);
    if (spec) {
        if (auto it = spec->registers.find("launch_digest"); it != spec->registers.end()) expected.measurement = it->second;
        if (const auto* o = spec->spec.options<platform::SnpOptions>()) {
            expected.policy = o->policy;
            if (o->host_data) expected.host_data = from_base64(*o->host_data, "spec host-data");
        }
    }

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
    add_not_compared(registers, spec);
    return print_verdict(checks, registers, args.json);
}

}  // namespace ccvm::cli
