// `ccvm attest verify-report --mode tdx`: a TDX quote (v4/v5) against user-supplied collateral.
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "attest/verify_report_spec.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/platform/evidence/tdx/event_log_check.hpp"
#include "ccvm/platform/evidence/tdx/verify_quote.hpp"

namespace ccvm::cli {

int run_verify_report_tdx(const VerifyReportArgs& args) {
    const Bytes raw = read_flag_file(args.quote, "--quote", "tdx");
    const auto quote = platform::tdx::parse_quote(raw, *args.quote);

    std::optional<platform::tdx::Collateral> collateral;
    if (args.collateral) collateral = platform::tdx::load_collateral(*args.collateral);
    platform::tdx::QuoteExpectations expected;
    expected.mrtd = hex_flag(args.expected_mrtd, "--expected-mrtd", 48);
    expected.report_data = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);
    const auto spec = load_spec_expectations(args, platform::TeeKind::tdx);
    if (spec) {
        if (auto it = spec->registers.find("mrtd"); it != spec->registers.end()) expected.mrtd = it->second;
        for (std::size_t i = 0; i < 4; ++i)
            if (auto it = spec->registers.find("rtmr" + std::to_string(i)); it != spec->registers.end())
                expected.rtmr[i] = it->second;
        if (const auto* o = spec->spec.options<platform::TdxOptions>()) {
            expected.td_attributes = o->attributes;
            // An unset owner value is 48 zero bytes in the TD report.
            auto owner = [](const std::optional<std::string>& b64, const char* what) {
                return b64 ? from_base64(*b64, what) : Bytes(48, std::byte{0});
            };
            expected.mrconfigid = owner(o->mrconfigid, "spec mrconfigid");
            expected.mrowner = owner(o->mrowner, "spec mrowner");
            expected.mrownerconfig = owner(o->mrownerconfig, "spec mrownerconfig");
        }
    }
    platform::tdx::QuoteVerifyOptions options;
    options.check_signatures = !args.no_signature_check;

    auto checks = platform::tdx::verify_quote(quote, collateral ? &*collateral : nullptr, expected, options);
    if (args.event_log) platform::tdx::check_event_log(quote, read_file(*args.event_log), *args.event_log, checks);
    json::Value registers;
    registers.set("version", quote.version);
    registers.set("mrtd", to_hex(quote.body.mrtd));
    for (std::size_t i = 0; i < 4; ++i) registers.set("rtmr" + std::to_string(i), to_hex(quote.body.rtmr[i]));
    registers.set("mrconfigid", to_hex(quote.body.mrconfigid));
    registers.set("mrowner", to_hex(quote.body.mrowner));
    registers.set("mrownerconfig", to_hex(quote.body.mrownerconfig));
    registers.set("report_data", to_hex(quote.body.report_data));
    Bytes attributes, xfam;
    append_le(attributes, quote.body.td_attributes);
    append_le(xfam, quote.body.xfam);
    registers.set("td_attributes", to_hex(attributes));  // byte order as in the quote
    registers.set("xfam", to_hex(xfam));
    add_not_compared(registers, spec);
    return print_verdict(checks, registers, args.json);
}

}  // namespace ccvm::cli
