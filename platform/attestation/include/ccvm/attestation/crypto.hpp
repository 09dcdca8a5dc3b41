// OpenSSL plumbing shared by the evidence verifiers (handles and errors: ccvm/base/openssl.hpp): certificate and key
// loading, raw (r, s) ECDSA verification and certificate-issued-by checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::attestation {

// One certificate, PEM or DER; throws InputError naming `source`.
X509Ptr load_certificate(ByteSpan data, std::string_view source);
// Every PEM certificate in `text`, in order; throws InputError when there is none or one is broken.
std::vector<X509Ptr> load_pem_certificates(std::string_view text, std::string_view source);
// One certificate revocation list, PEM or DER; throws InputError naming `source`.
X509CrlPtr load_crl(ByteSpan data, std::string_view source);
// Every certificate of a file: all PEM blocks in order, or one DER certificate.
std::vector<X509Ptr> load_certificates(ByteSpan data, std::string_view source);
// A public key: PEM/DER SubjectPublicKeyInfo, or the key of a PEM/DER certificate.
EvpPkeyPtr load_public_key(ByteSpan data, std::string_view source);
// An EC public key on the named curve ("P-256", "P-384", "P-521") from its affine coordinates
// (big-endian, each the curve's field size); throws InputError when the point is not on the curve.
EvpPkeyPtr ec_public_key(std::string_view curve, ByteSpan x, ByteSpan y, std::string_view what);

// Verifies an ECDSA signature given as big-endian r and s over `message` hashed with `algo`.
bool ecdsa_verify(EVP_PKEY* key, HashAlgo algo, ByteSpan message, ByteSpan r_be, ByteSpan s_be);

// Checks that `issuer` signed `cert` (names and signature) and that `cert` is valid now.
// Returns an empty string when it holds, else the reason.
std::string check_issued_by(X509* cert, X509* issuer, std::string_view cert_name, std::string_view issuer_name);

// Subject common name for messages ("?" when absent).
std::string common_name(X509* cert);

}  // namespace ccvm::attestation
