#include "ccvm/platform/spec_evidence.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::platform {
namespace {

using attestation::EvidenceFamily;

// True when the spec file sets tee.<key> (not just the family's default).
bool sets(const VmSpec& spec, std::string_view key) { return spec.locations.contains("tee." + std::string(key)); }

// A blob option (base64) of the spec, decoded; nullopt when not set.
std::optional<Bytes> blob(const std::optional<std::string>& base64, std::string_view key) {
    if (!base64) return std::nullopt;
    return from_base64(*base64, "spec tee." + std::string(key));
}

}  // namespace

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

attestation::ExpectedValues spec_expected_values(const VmSpec& spec, Registers measured) {
    attestation::ExpectedValues e;
    e.registers = std::move(measured);
    e.origin = "the spec's";
    if (const auto* snp = spec.options<SnpOptions>()) {
        if (sets(spec, "policy")) e.policy = snp->policy;
        if (sets(spec, "host-data")) e.host_data = blob(snp->host_data, "host-data");
    } else if (const auto* tdx = spec.options<TdxOptions>()) {
        if (sets(spec, "attributes")) e.td_attributes = tdx->attributes;
        e.mrconfigid = blob(tdx->mrconfigid, "mrconfigid");
        e.mrowner = blob(tdx->mrowner, "mrowner");
        e.mrownerconfig = blob(tdx->mrownerconfig, "mrownerconfig");
    } else if (const auto* cca = spec.options<CcaOptions>()) {
        e.rpv = blob(cca->personalization_value, "personalization-value");
    } else if (const auto* sev = spec.options<SevOptions>(); sev != nullptr && sets(spec, "policy")) {
        e.policy = sev->policy;  // CSV: SEV and SEV-ES produce no runtime evidence
    }
    return e;
}

}  // namespace ccvm::platform
