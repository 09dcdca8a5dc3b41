#include "ccvm/attestation/cca/verify_token.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::attestation::cca {
namespace {

using attestation::CheckList;

const char* curve_for_coordinate(std::size_t n) {
    switch (n) {
        case 32:
            return "P-256";
        case 48:
            return "P-384";
        case 66:
            return "P-521";
        default:
            return nullptr;
    }
}

// COSE_Key labels (RFC 9052 section 7, RFC 9053 section 7.1.1): kty 1 = 2 (EC2), crv -1, x -2, y -3.
EvpPkeyPtr cose_key(ByteSpan encoded) {
    const std::string what = "realm token RAK (COSE_Key)";
    const CborItem key = decode_cbor(encoded, what);
    const CborItem* kty = key.find(1, what);
    if (kty == nullptr || kty->as_int(what + " kty") != 2) throw InputError(what + ": key type is not EC2 (2)");
    const CborItem* x = key.find(-2, what);
    const CborItem* y = key.find(-3, what);
    if (x == nullptr || y == nullptr) throw InputError(what + ": missing x (-2) or y (-3)");
    const ByteSpan xs = x->as_bytes(what + " x");
    const ByteSpan ys = y->as_bytes(what + " y");
    const char* curve = curve_for_coordinate(xs.size());
    if (curve == nullptr || ys.size() != xs.size()) throw InputError(what + ": coordinates of unsupported size");
    return attestation::ec_public_key(curve, xs, ys, what);
}

std::optional<HashAlgo> hash_algo(std::string_view name) {
    if (name == "sha-256") return HashAlgo::sha256;
    if (name == "sha-384") return HashAlgo::sha384;
    if (name == "sha-512") return HashAlgo::sha512;
    return std::nullopt;
}

void check_binding(const AttestationToken& t, CheckList& out) {
    const auto algo = hash_algo(t.realm_claims.rak_hash_algo);
    if (!algo) {
        out.fail("binding", "unsupported RAK hash algorithm '" + t.realm_claims.rak_hash_algo + "'");
        return;
    }
    const Bytes want = hash(*algo, t.realm_claims.rak);
    if (t.platform_claims.challenge == want)
        out.pass("binding", "platform challenge is " + t.realm_claims.rak_hash_algo + " of the RAK");
    else
        out.fail("binding", "platform challenge " + to_hex(t.platform_claims.challenge) + " is not " +
                                t.realm_claims.rak_hash_algo + "(RAK) " + to_hex(want));
}

void check_rim_length(const RealmClaims& r, CheckList& out) {
    const auto algo = hash_algo(r.hash_algo);
    const std::size_t want = algo == HashAlgo::sha256   ? 32
                             : algo == HashAlgo::sha384 ? 48
                             : algo == HashAlgo::sha512 ? 64
                                                        : 0;
    bool ok = want != 0 && r.rim.size() == want;
    for (const Bytes& rem : r.rem) ok = ok && rem.size() == want;
    if (ok)
        out.pass("realm.hash_algo", "RIM and REMs are " + r.hash_algo + " digests");
    else
        out.fail("realm.hash_algo", "RIM (" + std::to_string(r.rim.size()) +
                                        " bytes) or a REM does not match the realm hash algorithm '" + r.hash_algo +
                                        "'");
}

void compare(const std::string& name, const Bytes& actual, const std::optional<Bytes>& expected, CheckList& out,
             std::size_t pad_to = 0) {
    if (!expected) return;
    Bytes want = *expected;
    if (want.size() < pad_to) want.resize(pad_to, std::byte{0});
    if (want == actual)
        out.pass(name, name + " matches");
    else
        out.fail(name, name + " " + to_hex(actual) + " differs from the expected " + to_hex(*expected));
}

}  // namespace

EvpPkeyPtr realm_attestation_key(const RealmClaims& realm) {
    const ByteSpan rak(realm.rak);
    // RMM 1.0 EAC: the bare uncompressed point 0x04 || x || y.
    if (!rak.empty() && rak[0] == std::byte{0x04} && rak.size() % 2 == 1) {
        const std::size_t n = (rak.size() - 1) / 2;
        const char* curve = curve_for_coordinate(n);
        if (curve != nullptr)
            return attestation::ec_public_key(curve, rak.subspan(1, n), rak.subspan(1 + n), "realm token RAK");
    }
    return cose_key(rak);
}

CheckList verify_token(const AttestationToken& token, EVP_PKEY* cpak, const TokenExpectations& expected) {
    CheckList out;
    if (cpak == nullptr)
        out.fail("platform.signature", "not checked: give the CPAK public key with --cpak");
    else if (verify_cose_sign1(token.platform, cpak))
        out.pass("platform.signature", "platform token signature verifies with the CPAK");
    else
        out.fail("platform.signature", "platform token signature does not verify with the CPAK (alg " +
                                           std::to_string(token.platform.alg) + ")");

    try {
        const auto rak = realm_attestation_key(token.realm_claims);
        if (verify_cose_sign1(token.realm, rak.get()))
            out.pass("realm.signature", "realm token signature verifies with the RAK");
        else
            out.fail("realm.signature", "realm token signature does not verify with the RAK (alg " +
                                            std::to_string(token.realm.alg) + ")");
    } catch (const InputError& e) {
        out.fail("realm.signature", std::string("unusable RAK: ") + e.what());
    }
    check_binding(token, out);
    compare_token(token, expected, out);
    return out;
}

void compare_token(const AttestationToken& token, const TokenExpectations& expected, CheckList& out) {
    check_rim_length(token.realm_claims, out);
    compare("rim", token.realm_claims.rim, expected.rim, out);
    for (std::size_t i = 0; i < 4; ++i)
        compare("rem" + std::to_string(i), token.realm_claims.rem[i], expected.rem[i], out);
    compare("rpv", token.realm_claims.rpv, expected.rpv, out, 64);
    compare("challenge", token.realm_claims.challenge, expected.challenge, out, 64);
}

}  // namespace ccvm::attestation::cca
