// `ccvm attest verify-report`: one verb for every evidence family; --mode picks the family.
#include "args.hpp"
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/platform/verify_evidence.hpp"
#include "commands.hpp"
#include "mode_flags.hpp"

namespace ccvm::cli {
namespace {

using platform::evidence::EvidenceFamily;

constexpr const char* kKnownModes = "snp, tdx, csv, cca";

// The flags each evidence family reads; the others would be ignored, so they are refused.
const ModeFlagTable& verify_report_flag_table() {
    static const ModeFlagTable table = {
        "attest verify-report",
        {"--mode", "--json", "--spec", "--no-signature-check", "--expected-report-data"},
        {
            {{"snp"},
             {"--report", "--report-format", "--vcek", "--ask", "--ark", "--cert-chain", "--expected-measurement",
              "--expected-host-data", "--expected-policy"}},
            {{"tdx"}, {"--quote", "--collateral", "--verification-time", "--expected-mrtd", "--event-log"}},
            {{"csv"},
             {"--report", "--cert-chain", "--expected-measurement", "--expected-host-data", "--expected-policy",
              "--event-log"}},
            {{"cca"}, {"--token", "--cpak", "--expected-measurement"}},
        },
    };
    return table;
}

// The flag naming each family's evidence file.
struct EvidenceFile {
    const char* flag;
    const std::optional<std::string>& path;
};

EvidenceFile evidence_file(const VerifyReportArgs& args, EvidenceFamily family) {
    switch (family) {
        case EvidenceFamily::tdx:
            return {"--quote", args.quote};
        case EvidenceFamily::cca:
            return {"--token", args.token};
        case EvidenceFamily::snp:
        case EvidenceFamily::csv:
            break;
    }
    return {"--report", args.report};
}

int run_verify_report(const CLI::App& cmd, const VerifyReportArgs& args) {
    if (!args.mode)
        throw InputError(std::string("attest verify-report: --mode is required (one of ") + kKnownModes + ")");
    const auto family = platform::evidence::evidence_family_from_name(*args.mode);
    if (!family)
        throw InputError("attest verify-report: unknown --mode '" + *args.mode + "' (known: " + kKnownModes + ")");
    refuse_foreign_flags(cmd, *args.mode, verify_report_flag_table());

    platform::evidence::EvidenceRequest request;
    request.family = *family;
    const EvidenceFile file = evidence_file(args, *family);
    request.evidence = read_flag_file(file.path, file.flag, *args.mode);
    request.source = *file.path;
    request.report_format = args.report_format;
    request.anchors = {args.vcek, args.ask, args.ark, args.cert_chain, args.collateral, args.cpak};
    request.check_signatures = !args.no_signature_check;
    request.event_log = args.event_log;
    request.verification_time = args.verification_time;
    request.expected = {args.expected_measurement, args.expected_host_data, args.expected_report_data,
                        args.expected_mrtd, std::nullopt};
    if (args.expected_policy) request.expected.policy = parse_uint(*args.expected_policy, "--expected-policy");
    std::optional<platform::VmSpec> spec;
    if (args.spec) {
        spec = platform::load_vm_spec(*args.spec);
        request.spec.spec = &*spec;
    }
    const auto result = platform::evidence::verify_evidence(request);
    return print_verdict(result.checks, result.registers, args.json);
}

}  // namespace

void add_verify_report_command(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<VerifyReportArgs>();
    CLI::App* attest = ensure_subcommand(app, "attest", "Check launch measurements and attestation evidence");
    CLI::App* v = attest->add_subcommand("verify-report", "Verify attestation evidence against expected values");
    v->add_option("--mode", args->mode, "Evidence family: snp, tdx, csv or cca");
    v->add_flag("--json", args->json, "Print every check as JSON");
    v->add_option("--spec", args->spec, "VM spec whose registers the evidence must match (replaces --expected-*)");
    v->add_option("--report", args->report, "Attestation report file (SNP, CSV), or attestation-agent evidence JSON");
    v->add_option("--report-format", args->report_format, "Report encoding: bin or hex");
    v->add_option("--vcek", args->vcek,
                  "VCEK (or VLEK) certificate (default: the cert_chain of attestation-agent evidence)");
    v->add_option("--ask", args->ask, "ASK certificate");
    v->add_option("--ark", args->ark, "ARK certificate");
    v->add_option("--expected-measurement", args->expected_measurement, "Expected launch measurement (hex)");
    v->add_option("--expected-host-data", args->expected_host_data, "Expected SNP HOST_DATA (hex, 32 bytes)");
    v->add_option("--expected-report-data", args->expected_report_data,
                  "Expected report data (hex, up to 64 bytes, zero-padded; SNP REPORT_DATA, TDX REPORTDATA, CCA realm "
                  "challenge)");
    v->add_option("--expected-policy", args->expected_policy, "Expected SNP guest policy (0x... or decimal)");
    v->add_option("--quote", args->quote, "TDX quote file, or attestation-agent evidence JSON {quote, cc_eventlog}");
    v->add_option("--collateral", args->collateral,
                  "TDX: directory with root/intermediate certificates, *.crl, tcb_info.json, qe_identity.json");
    v->add_option("--verification-time", args->verification_time,
                  "TDX: RFC 3339 time at which certificates, CRLs and collateral must be valid (default now)");
    v->add_flag("--no-signature-check", args->no_signature_check,
                "Skip every signature and certificate check; compare the registers only");
    v->add_option("--expected-mrtd", args->expected_mrtd, "Expected MRTD (hex)");
    v->add_option("--event-log", args->event_log,
                  "CC event log (CCEL data) to replay against the RTMRs (TDX: SHA-384, CSV v2/v3: SM3)");
    v->add_option("--token", args->token, "CCA attestation token (CBOR), or attestation-agent evidence JSON {token}");
    v->add_option("--cpak", args->cpak, "CCA platform attestation key (PEM)");
    v->add_option("--cert-chain", args->cert_chain,
                  "CSV: HRK file, then HSK||CEK file (or a directory); SNP: KDS cert_chain file or cache directory");
    check_mode_flag_table(*v, verify_report_flag_table());
    commands.add(v, [args, v] { return run_verify_report(*v, *args); });
}

}  // namespace ccvm::cli
