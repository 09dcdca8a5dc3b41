// Binding of the KBS Attestation's runtime-data to the TEE evidence, as Trustee checks it
// (kbs/src/attestation/backend.rs builds the runtime-data; attestation-service/src/lib.rs hashes it;
// deps/verifier regularize_data pads it): the report data begins with SHA-384 of the RFC 8785 form of
// {"nonce", "tee-pubkey", "additional-evidence"} (protocol 0.4.0) and the rest is zero.
#pragma once

#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/kbs/jwk.hpp"

namespace ccvm::kbs {

struct RuntimeData {
    std::string nonce;                // the Challenge's nonce, as sent
    Jwk tee_pubkey;                   // the attester's ephemeral key
    std::string additional_evidence;  // tee-evidence.additional_evidence ("" when none)
};

// SHA-384 of jcs({"additional-evidence", "nonce", "tee-pubkey"}).
Sha384Digest runtime_data_digest(const RuntimeData& data);

// The report data an attester asks for: the digest followed by zeros, `size` bytes (64 for the
// SNP report_data, TDX REPORTDATA and CCA challenge).
Bytes binding_report_data(const Sha384Digest& digest, std::size_t size = 64);

// Empty when `report_data` begins with `digest` and is zero after it, else why not.
std::string check_binding(ByteSpan report_data, const Sha384Digest& digest);

}  // namespace ccvm::kbs
