#include "ccvm/kbs/runtime_data.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/jcs.hpp"

namespace ccvm::kbs {

Sha384Digest runtime_data_digest(const RuntimeData& data) {
    // Trustee (kbs/src/attestation/backend.rs, protocol 0.4.0) hashes the primary evidence's
    // runtime-data as {"tee-pubkey", "nonce", "additional-evidence"}, the key re-serialized from its
    // parsed form (kty, alg and crv/x/y or n/e only); SHA-384 for every TEE but IBM SE
    // (kbs/src/attestation/coco/builtin.rs).
    const json::Value runtime = {
        {"tee-pubkey", data.tee_pubkey.to_json()},
        {"nonce", data.nonce},
        {"additional-evidence", data.additional_evidence},
    };
    return sha384(as_bytes(jcs(runtime)));
}

Bytes binding_report_data(const Sha384Digest& digest, std::size_t size) {
    Bytes out(std::max(size, digest.size()));
    std::copy(digest.begin(), digest.end(), out.begin());
    return out;
}

std::string check_binding(ByteSpan report_data, const Sha384Digest& digest) {
    // The verifiers compare the whole field with the digest zero-padded to its size
    // (deps/verifier/src/lib.rs regularize_data).
    if (report_data.size() < digest.size())
        return "report data is " + std::to_string(report_data.size()) + " bytes, shorter than the " +
               std::to_string(digest.size()) + "-byte runtime-data digest";
    const ByteSpan head = report_data.first(digest.size());
    if (!std::equal(head.begin(), head.end(), digest.begin()))
        return "report data " + to_hex(head) + " is not SHA-384 of the runtime-data " + to_hex(digest) +
               " (nonce or tee-pubkey not bound)";
    if (!is_all_zero(report_data.subspan(digest.size())))
        return "report data is not zero after the runtime-data digest";
    return {};
}

}  // namespace ccvm::kbs
