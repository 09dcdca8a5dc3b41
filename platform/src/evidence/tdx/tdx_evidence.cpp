// verify_evidence() for TDX: the quote (binary or attestation-agent JSON), the collateral directory, the expected
// registers from flags or a spec, and the optional CC event log replay.
#include "ccvm/attestation/tdx/event_log_check.hpp"
#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::platform::evidence {
namespace {

// MRCONFIGID, MROWNER, MROWNERCONFIG and TD_ATTRIBUTES are compared when the spec sets them.
tdx::QuoteExpectations expectations(const EvidenceRequest& r, const SpecRegisters& spec) {
    tdx::QuoteExpectations e;
    e.report_data = hex_value(r.expected.report_data, "--expected-report-data", 64, true);
    if (!spec.present()) {
        e.mrtd = hex_value(r.expected.mrtd, "--expected-mrtd", 48);
        return e;
    }
    e.mrtd = spec.computed("mrtd");
    for (std::size_t i = 0; i < 4; ++i) e.rtmr[i] = spec.computed("rtmr" + std::to_string(i));
    if (const auto* o = spec.spec().options<TdxOptions>()) {
        if (spec.sets("attributes")) e.td_attributes = o->attributes;
        e.mrconfigid = SpecRegisters::blob(o->mrconfigid, "mrconfigid");
        e.mrowner = SpecRegisters::blob(o->mrowner, "mrowner");
        e.mrownerconfig = SpecRegisters::blob(o->mrownerconfig, "mrownerconfig");
    }
    return e;
}

}  // namespace

EvidenceResult verify_tdx_evidence(const EvidenceRequest& request) {
    // Attestation-agent evidence carries the quote and, optionally, the CC event log (an
    // --event-log file replaces it).
    const auto agent = agent_evidence(request, AgentTee::tdx, "--quote");
    const auto quote = tdx::parse_quote(agent ? agent->raw : request.evidence, request.source);
    std::optional<tdx::Collateral> collateral;
    if (request.anchors.collateral) collateral = tdx::load_collateral(*request.anchors.collateral);
    const SpecRegisters spec(request.spec);
    tdx::QuoteVerifyOptions options;
    options.check_signatures = request.check_signatures;
    if (request.verification_time)
        options.verification_time = tdx::parse_rfc3339(*request.verification_time, "--verification-time");

    EvidenceResult out;
    out.checks = tdx::verify_quote(quote, collateral ? &*collateral : nullptr, expectations(request, spec), options);
    spec.note_not_compared(out.checks);
    if (request.event_log)
        tdx::check_event_log(quote, read_file(*request.event_log), *request.event_log, out.checks);
    else if (agent && !agent->event_log.empty())
        tdx::check_event_log(quote, agent->event_log, request.source + ": cc_eventlog", out.checks);

    json::Value& regs = out.registers;
    regs.set("version", quote.version);
    regs.set("mrtd", to_hex(quote.body.mrtd));
    for (std::size_t i = 0; i < 4; ++i) regs.set("rtmr" + std::to_string(i), to_hex(quote.body.rtmr[i]));
    regs.set("mrconfigid", to_hex(quote.body.mrconfigid));
    regs.set("mrowner", to_hex(quote.body.mrowner));
    regs.set("mrownerconfig", to_hex(quote.body.mrownerconfig));
    regs.set("report_data", to_hex(quote.body.report_data));
    Bytes attributes, xfam;
    append_le(attributes, quote.body.td_attributes);
    append_le(xfam, quote.body.xfam);
    regs.set("td_attributes", to_hex(attributes));  // byte order as in the quote
    regs.set("xfam", to_hex(xfam));
    return out;
}

}  // namespace ccvm::platform::evidence
