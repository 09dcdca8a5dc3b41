// verify_evidence() for Arm CCA: the token (CBOR or attestation-agent JSON), the CPAK, and the expected RIM/REMs/RPV
// from flags or a spec.
#include "ccvm/attestation/cca/verify_token.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::platform::evidence {
namespace {

// The RPV is compared when the spec sets a personalization value.
cca::TokenExpectations expectations(const EvidenceRequest& r, const SpecRegisters& spec) {
    cca::TokenExpectations e;
    e.challenge = hex_value(r.expected.report_data, "--expected-report-data", 64, true);
    if (!spec.present()) {
        if (r.expected.measurement) {
            e.rim = from_hex(*r.expected.measurement, "--expected-measurement");
            if (e.rim->size() != 32 && e.rim->size() != 48 && e.rim->size() != 64)
                throw InputError("--expected-measurement: a RIM is 32, 48 or 64 bytes of hex");
        }
        return e;
    }
    e.rim = spec.computed("rim");
    for (std::size_t i = 0; i < 4; ++i) e.rem[i] = spec.computed("rem" + std::to_string(i));
    if (const auto* o = spec.spec().options<CcaOptions>())
        e.rpv = SpecRegisters::blob(o->personalization_value, "personalization-value");
    return e;
}

}  // namespace

EvidenceResult verify_cca_evidence(const EvidenceRequest& request) {
    const auto agent = agent_evidence(request, AgentTee::cca, "--token");
    const auto token = cca::parse_attestation_token(agent ? agent->raw : request.evidence, request.source);
    const SpecRegisters spec(request.spec);
    const cca::TokenExpectations expected = expectations(request, spec);

    EvidenceResult out;
    if (request.check_signatures) {
        EvpPkeyPtr cpak;
        if (request.anchors.cpak) cpak = load_public_key(read_file(*request.anchors.cpak), *request.anchors.cpak);
        out.checks = cca::verify_token(token, cpak.get(), expected);
    } else {
        note_signatures_not_checked(out.checks);
        cca::compare_token(token, expected, out.checks);
    }
    spec.note_not_compared(out.checks);
    const auto& realm = token.realm_claims;
    out.registers.set("rim", to_hex(realm.rim));
    json::Value rem = json::Array{};
    for (const Bytes& r : realm.rem) rem.push(to_hex(r));
    out.registers.set("rem", std::move(rem));
    out.registers.set("rpv", to_hex(realm.rpv));
    out.registers.set("hash_algo", realm.hash_algo);
    out.registers.set("challenge", to_hex(realm.challenge));
    out.registers.set("platform_instance_id", to_hex(token.platform_claims.instance_id));
    out.registers.set("platform_implementation_id", to_hex(token.platform_claims.implementation_id));
    return out;
}

}  // namespace ccvm::platform::evidence
