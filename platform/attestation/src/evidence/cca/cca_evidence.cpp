// verify_evidence() for Arm CCA: the token (CBOR or attestation-agent JSON {token}), the CPAK, and the expected
// RIM, REMs and RPV.
#include "ccvm/attestation/cca/verify_token.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence/family_evidence.hpp"

namespace ccvm::attestation {
namespace {

// A RIM and the REMs are digests of the realm's hash algorithm: 32, 48 or 64 bytes (SHA-256, SHA-384,
// SHA-512).
cca::TokenExpectations expectations(const ExpectedValues& x) {
    cca::TokenExpectations e;
    e.challenge = sized(x.report_data, RequestField::report_data, 64, true);
    e.rim = expected_register(x, "rim", {32, 48, 64});
    for (std::size_t i = 0; i < 4; ++i) e.rem[i] = expected_register(x, "rem" + std::to_string(i), {32, 48, 64});
    e.rpv = x.rpv;
    return e;
}

}  // namespace

EvidenceResult verify_cca_evidence(const EvidenceRequest& request) {
    const auto agent = agent_evidence(request, AgentTee::cca);
    const auto token = cca::parse_attestation_token(agent ? agent->raw : request.evidence, request.source);
    const cca::TokenExpectations expected = expectations(request.expected);

    EvidenceResult out;
    if (request.check_signatures) {
        EvpPkeyPtr cpak;
        if (request.anchors.cpak) cpak = load_public_key(read_file(*request.anchors.cpak), *request.anchors.cpak);
        out.checks = cca::verify_token(token, cpak.get(), expected);
    } else {
        note_signatures_not_checked(out.checks);
        cca::compare_token(token, expected, out.checks);
    }
    note_not_compared(out.checks, request.expected);
    const auto& realm = token.realm_claims;
    out.registers["rim"] = to_hex(realm.rim);
    json::Value rem = json::Value::array();
    for (const Bytes& r : realm.rem) rem.push_back(to_hex(r));
    out.registers["rem"] = std::move(rem);
    out.registers["rpv"] = to_hex(realm.rpv);
    out.registers["hash_algo"] = realm.hash_algo;
    out.registers["challenge"] = to_hex(realm.challenge);
    out.registers["platform_instance_id"] = to_hex(token.platform_claims.instance_id);
    out.registers["platform_implementation_id"] = to_hex(token.platform_claims.implementation_id);
    return out;
}

}  // namespace ccvm::attestation
