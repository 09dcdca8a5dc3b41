#include "ccvm/platform/verify_evidence.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::platform::evidence {

std::string_view evidence_family_name(EvidenceFamily family) noexcept {
    switch (family) {
        case EvidenceFamily::snp:
            return "snp";
        case EvidenceFamily::tdx:
            return "tdx";
        case EvidenceFamily::csv:
            return "csv";
        case EvidenceFamily::cca:
            return "cca";
    }
    return "?";
}

std::optional<EvidenceFamily> evidence_family_from_name(std::string_view name) noexcept {
    for (EvidenceFamily f : {EvidenceFamily::snp, EvidenceFamily::tdx, EvidenceFamily::csv, EvidenceFamily::cca})
        if (evidence_family_name(f) == name) return f;
    return std::nullopt;
}

EvidenceFamily evidence_family_of(TeeKind tee) {
    switch (tee) {
        case TeeKind::sev_snp:
            return EvidenceFamily::snp;
        case TeeKind::tdx:
            return EvidenceFamily::tdx;
        case TeeKind::cca:
            return EvidenceFamily::cca;
        case TeeKind::csv:
        case TeeKind::csv2:
        case TeeKind::csv3:
            return EvidenceFamily::csv;
        case TeeKind::none:
        case TeeKind::sev:
        case TeeKind::sev_es:
            break;
    }
    throw InputError("a " + std::string(tee_name(tee)) +
                     " VM produces no runtime attestation evidence (SEV and SEV-ES are attested at launch: "
                     "ccvm attest verify-launch)");
}

std::optional<Bytes> hex_value(const std::optional<std::string>& value, std::string_view flag, std::size_t size,
                               bool up_to) {
    if (!value) return std::nullopt;
    Bytes b = from_hex(*value, flag);
    if (up_to ? b.size() > size : b.size() != size)
        throw InputError(std::string(flag) + ": expected " + (up_to ? "at most " : "") + std::to_string(size) +
                         " bytes of hex, got " + std::to_string(b.size()));
    return b;
}

std::optional<AgentEvidence> agent_evidence(const EvidenceRequest& request, AgentTee tee, std::string_view flag) {
    const auto detected = detect_agent_evidence(request.evidence);
    if (!detected) return std::nullopt;
    if (*detected != tee)
        throw InputError(std::string(flag) + ": '" + request.source + "' is " + std::string(agent_tee_name(*detected)) +
                         " attestation-agent evidence, not " + std::string(agent_tee_name(tee)));
    return parse_agent_evidence(tee, request.evidence, request.source);
}

SpecRegisters::SpecRegisters(const SpecReference& ref) : spec_(ref.spec) {
    if (spec_ == nullptr) return;
    const json::Value measured = ref.measured.is_null() ? measure_spec(*spec_) : ref.measured;
    if (const json::Value* regs = measured.find("registers"))
        for (const auto& [name, value] : regs->as_object())
            if (value.is_string()) computed_.emplace(name, from_hex(value.as_string(), "measured " + name));
    if (const json::Value* why = measured.find("not_computed"))
        for (const auto& [name, value] : why->as_object())
            not_computed_.emplace(name, value.is_string() ? value.as_string() : value.dump());
}

std::optional<Bytes> SpecRegisters::computed(const std::string& name) const {
    const auto it = computed_.find(name);
    return it == computed_.end() ? std::nullopt : std::optional<Bytes>(it->second);
}

bool SpecRegisters::sets(std::string_view key) const {
    return spec_ != nullptr && spec_->locations.count("tee." + std::string(key)) != 0;
}

std::optional<Bytes> SpecRegisters::blob(const std::optional<std::string>& base64, std::string_view key) {
    if (!base64) return std::nullopt;
    return from_base64(*base64, "spec tee." + std::string(key));
}

void SpecRegisters::note_not_compared(CheckList& out, const std::map<std::string, std::string>& rename) const {
    for (const auto& [name, why] : not_computed_) {
        const auto it = rename.find(name);
        out.skip(it == rename.end() ? name : it->second,
                 "not compared: the spec's " + name + " is not computed (" + why + ")");
    }
}

EvidenceResult verify_evidence(const EvidenceRequest& request) {
    if (request.verification_time && request.family != EvidenceFamily::tdx)
        throw InputError("--verification-time applies to --mode tdx only");
    if (request.event_log && request.family != EvidenceFamily::tdx && request.family != EvidenceFamily::csv)
        throw InputError("--event-log applies to --mode tdx and --mode csv only");
    if (request.spec.spec != nullptr) {
        const ExpectedValues& e = request.expected;
        if (e.measurement || e.mrtd || e.host_data || e.policy)
            throw InputError("--spec replaces the --expected-* register flags; give one or the other");
        const EvidenceFamily of_spec = evidence_family_of(request.spec.spec->tee);
        if (of_spec != request.family)
            throw InputError("--spec: '" + request.spec.spec->source + "' describes a " +
                             std::string(tee_name(request.spec.spec->tee)) + " VM, whose evidence is --mode " +
                             std::string(evidence_family_name(of_spec)) + ", not " +
                             std::string(evidence_family_name(request.family)));
    }
    switch (request.family) {
        case EvidenceFamily::snp:
            return verify_snp_evidence(request);
        case EvidenceFamily::tdx:
            return verify_tdx_evidence(request);
        case EvidenceFamily::csv:
            return verify_csv_evidence(request);
        case EvidenceFamily::cca:
            return verify_cca_evidence(request);
    }
    throw InputError("unknown evidence family");
}

}  // namespace ccvm::platform::evidence
