// verify_evidence() for TDX: the quote (binary or attestation-agent JSON {quote, cc_eventlog}), the collateral
// directory, the expected registers and the optional CC event log replay.
#include "ccvm/attestation/tdx/event_log_check.hpp"
#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::attestation {
namespace {

// MRTD and RTMR0..3 are 48-byte SHA-384 registers (Intel TDX Module ABI, TDREPORT_STRUCT); the
// MRCONFIGID, MROWNER, MROWNERCONFIG and TD_ATTRIBUTES are compared when given.
tdx::QuoteExpectations expectations(const ExpectedValues& x) {
    tdx::QuoteExpectations e;
    e.report_data = sized(x.report_data, RequestField::report_data, 64, true);
    e.mrtd = expected_register(x, "mrtd", {48});
    for (std::size_t i = 0; i < 4; ++i) e.rtmr[i] = expected_register(x, "rtmr" + std::to_string(i), {48});
    e.td_attributes = x.td_attributes;
    e.mrconfigid = x.mrconfigid;
    e.mrowner = x.mrowner;
    e.mrownerconfig = x.mrownerconfig;
    return e;
}

std::int64_t verification_time(const std::string& text) {
    constexpr std::string_view kWhat = "verification time";
    try {
        return tdx::parse_rfc3339(text, kWhat);
    } catch (const InputError& e) {
        const std::string message = e.what();
        throw RequestError(RequestField::verification_time,
                           message.starts_with(kWhat) ? message.substr(kWhat.size() + 2) : message);
    }
}

}  // namespace

EvidenceResult verify_tdx_evidence(const EvidenceRequest& request) {
    // Attestation-agent evidence carries the quote and, optionally, the CC event log (an
    // --event-log file replaces it).
    const auto agent = agent_evidence(request, AgentTee::tdx);
    const auto quote = tdx::parse_quote(agent ? agent->raw : request.evidence, request.source);
    std::optional<tdx::Collateral> collateral;
    if (request.anchors.collateral) collateral = tdx::load_collateral(*request.anchors.collateral);
    tdx::QuoteVerifyOptions options;
    options.check_signatures = request.check_signatures;
    if (request.verification_time) options.verification_time = verification_time(*request.verification_time);

    EvidenceResult out;
    out.checks = tdx::verify_quote(quote, collateral ? &*collateral : nullptr, expectations(request.expected), options);
    note_not_compared(out.checks, request.expected);
    if (request.event_log)
        tdx::check_event_log(quote, read_file(*request.event_log), *request.event_log, out.checks);
    else if (agent && !agent->event_log.empty())
        tdx::check_event_log(quote, agent->event_log, request.source + ": cc_eventlog", out.checks);

    json::Value& regs = out.registers;
    regs["version"] = quote.version;
    regs["mrtd"] = to_hex(quote.body.mrtd);
    for (std::size_t i = 0; i < 4; ++i) regs["rtmr" + std::to_string(i)] = to_hex(quote.body.rtmr[i]);
    regs["mrconfigid"] = to_hex(quote.body.mrconfigid);
    regs["mrowner"] = to_hex(quote.body.mrowner);
    regs["mrownerconfig"] = to_hex(quote.body.mrownerconfig);
    regs["report_data"] = to_hex(quote.body.report_data);
    Bytes attributes, xfam;
    append_le(attributes, quote.body.td_attributes);
    append_le(xfam, quote.body.xfam);
    regs["td_attributes"] = to_hex(attributes);  // byte order as in the quote
    regs["xfam"] = to_hex(xfam);
    return out;
}

}  // namespace ccvm::attestation
