#include "ccvm/launch-secret/csv/sm2.hpp"

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <climits>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/launch-secret/csv/sm3_kdf.hpp"

namespace ccvm::secret::csv {
namespace {

const unsigned char* uc(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* uc(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }

BignumPtr bn_from_le(ByteSpan le) {
    BignumPtr bn(BN_lebin2bn(uc(le.data()), static_cast<int>(le.size()), nullptr));
    openssl_check(bn != nullptr, "BN_lebin2bn");
    return bn;
}

// DER ECDSA-Sig-Value {r, s}, the form OpenSSL's SM2 verifier takes.
Bytes der_signature(ByteSpan r_le, ByteSpan s_le) {
    EcdsaSigPtr sig(ECDSA_SIG_new());
    openssl_check(sig != nullptr, "ECDSA_SIG_new");
    BignumPtr r = bn_from_le(r_le), s = bn_from_le(s_le);
    openssl_check(ECDSA_SIG_set0(sig.get(), r.get(), s.get()) == 1, "ECDSA_SIG_set0");
    r.release();
    s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    openssl_check(len > 0, "i2d_ECDSA_SIG");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = uc(der.data());
    openssl_check(i2d_ECDSA_SIG(sig.get(), &p) == len, "i2d_ECDSA_SIG");
    return der;
}

void bn_to_be32(const BIGNUM* bn, std::byte* out) {
    openssl_check(BN_bn2binpad(bn, uc(out), kSm2FieldSize) == static_cast<int>(kSm2FieldSize), "BN_bn2binpad");
}

void free_sequence(ASN1_SEQUENCE_ANY* seq) { sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free); }
using Asn1Sequence = std::unique_ptr<ASN1_SEQUENCE_ANY, OpensslFree<free_sequence>>;
using Asn1Type = std::unique_ptr<ASN1_TYPE, OpensslFree<ASN1_TYPE_free>>;

constexpr std::size_t kC1Size = 1 + 2 * kSm2FieldSize, kC3Size = 32;

void push(ASN1_SEQUENCE_ANY* seq, Asn1Type item) {
    openssl_check(item != nullptr && sk_ASN1_TYPE_push(seq, item.get()) > 0, "sk_ASN1_TYPE_push");
    static_cast<void>(item.release());  // owned by the sequence now
}

Asn1Type integer_item(ByteSpan be) {
    Asn1Type item(ASN1_TYPE_new());
    BignumPtr bn(BN_bin2bn(uc(be.data()), static_cast<int>(be.size()), nullptr));
    std::unique_ptr<ASN1_INTEGER, OpensslFree<ASN1_INTEGER_free>> value(
        bn != nullptr ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    openssl_check(item != nullptr && value != nullptr, "BN_to_ASN1_INTEGER");
    ASN1_TYPE_set(item.get(), V_ASN1_INTEGER, value.release());
    return item;
}

Asn1Type octets_item(ByteSpan bytes) {
    Asn1Type item(ASN1_TYPE_new());
    std::unique_ptr<ASN1_OCTET_STRING, OpensslFree<ASN1_OCTET_STRING_free>> value(ASN1_OCTET_STRING_new());
    openssl_check(item != nullptr && value != nullptr &&
                      ASN1_OCTET_STRING_set(value.get(), uc(bytes.data()), static_cast<int>(bytes.size())) == 1,
                  "ASN1_OCTET_STRING_set");
    ASN1_TYPE_set(item.get(), V_ASN1_OCTET_STRING, value.release());
    return item;
}

// An SM2 encryption or decryption context with SM3 for the KDF and C3 (GB/T 32918.4 §6.1), named
// rather than left to the provider's default.
EvpPkeyCtxPtr sm2_cipher(EVP_PKEY* key, int (*init)(EVP_PKEY_CTX*, const OSSL_PARAM[]), const char* what) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    char digest[] = "SM3";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    openssl_check(ctx != nullptr && init(ctx.get(), params) == 1, what);
    return ctx;
}

// OpenSSL reads and writes SM2 ciphertexts as GM/T 0009 SM2Cipher, SEQUENCE { x INTEGER, y INTEGER,
// hash OCTET STRING, ciphertext OCTET STRING }; Hygon's firmware (csv-rs crypto/sm.rs) takes the
// raw C1 || C3 || C2 with C1 = 04 || x || y. `c1c3c2` is exactly one such ciphertext.
Bytes der_from_c1c3c2(ByteSpan c1c3c2) {
    if (c1c3c2[0] != std::byte{0x04}) throw InputError("SM2 ciphertext: C1 is not an uncompressed point");
    Asn1Sequence seq(sk_ASN1_TYPE_new_null());
    openssl_check(seq != nullptr, "sk_ASN1_TYPE_new_null");
    push(seq.get(), integer_item(c1c3c2.subspan(1, kSm2FieldSize)));
    push(seq.get(), integer_item(c1c3c2.subspan(1 + kSm2FieldSize, kSm2FieldSize)));
    push(seq.get(), octets_item(c1c3c2.subspan(kC1Size, kC3Size)));
    push(seq.get(), octets_item(c1c3c2.subspan(kC1Size + kC3Size)));
    const int len = i2d_ASN1_SEQUENCE_ANY(seq.get(), nullptr);
    openssl_check(len > 0, "i2d_ASN1_SEQUENCE_ANY");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = uc(der.data());
    openssl_check(i2d_ASN1_SEQUENCE_ANY(seq.get(), &p) == len, "i2d_ASN1_SEQUENCE_ANY");
    return der;
}

// The inverse, for OpenSSL's own encryption output (a malformed one is a library failure).
Bytes c1c3c2_from_der(ByteSpan der) {
    const unsigned char* p = uc(der.data());
    Asn1Sequence seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der.size())));
    openssl_check(seq != nullptr && p == uc(der.data()) + der.size() && sk_ASN1_TYPE_num(seq.get()) == 4,
                  "d2i_ASN1_SEQUENCE_ANY(SM2Cipher)");
    Bytes out(kC1Size);
    out[0] = std::byte{0x04};
    for (int i = 0; i < 2; ++i) {
        const ASN1_TYPE* coordinate = sk_ASN1_TYPE_value(seq.get(), i);
        openssl_check(coordinate->type == V_ASN1_INTEGER, "SM2Cipher coordinate");
        BignumPtr bn(ASN1_INTEGER_to_BN(coordinate->value.integer, nullptr));
        openssl_check(bn != nullptr && !BN_is_negative(bn.get()) && BN_num_bytes(bn.get()) <= int{kSm2FieldSize},
                      "SM2Cipher coordinate");
        bn_to_be32(bn.get(), out.data() + 1 + static_cast<std::size_t>(i) * kSm2FieldSize);
    }
    for (int i = 2; i < 4; ++i) {
        const ASN1_TYPE* field = sk_ASN1_TYPE_value(seq.get(), i);
        openssl_check(field->type == V_ASN1_OCTET_STRING, "SM2Cipher hash and ciphertext");
        const ASN1_OCTET_STRING* s = field->value.octet_string;
        const auto* data = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s));
        append(out, ByteSpan(data, static_cast<std::size_t>(ASN1_STRING_length(s))));
    }
    openssl_check(out.size() > kC1Size + kC3Size, "SM2Cipher hash and ciphertext");
    return out;
}

}  // namespace

Sm2PublicKey Sm2PublicKey::from_le(ByteSpan x_le, ByteSpan y_le, std::string_view what) {
    if (x_le.size() != kSm2FieldSize || y_le.size() != kSm2FieldSize)
        throw InputError(std::string(what) + ": SM2 coordinates must be 32 bytes each");
    Sm2PublicKey key;
    key.point_[0] = std::byte{0x04};
    std::reverse_copy(x_le.begin(), x_le.end(), key.point_.begin() + 1);
    std::reverse_copy(y_le.begin(), y_le.end(), key.point_.begin() + 1 + kSm2FieldSize);

    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    openssl_check(ctx != nullptr && EVP_PKEY_fromdata_init(ctx.get()) == 1, "EVP_PKEY_fromdata_init(SM2)");
    char group[] = "SM2";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, key.point_.data(), key.point_.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1 || raw == nullptr)
        throw InputError(std::string(what) + ": not a point on the SM2 curve");
    key.key_.reset(raw);
    EvpPkeyCtxPtr check_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
    openssl_check(check_ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
    if (EVP_PKEY_public_check(check_ctx.get()) != 1)
        throw InputError(std::string(what) + ": not a valid SM2 public key");
    return key;
}

bool Sm2PublicKey::verify(ByteSpan message, ByteSpan user_id, ByteSpan r_le, ByteSpan s_le) const {
    const Bytes der = der_signature(r_le, s_le);
    EvpMdCtxPtr md(EVP_MD_CTX_new());
    openssl_check(md != nullptr, "EVP_MD_CTX_new");
    // The SM2 provider takes the distinguishing ID as a parameter of the verify operation.
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(
                                     OSSL_PKEY_PARAM_DIST_ID, const_cast<std::byte*>(user_id.data()), user_id.size()),
                                 OSSL_PARAM_construct_end()};
    openssl_check(EVP_DigestVerifyInit_ex(md.get(), nullptr, "SM3", nullptr, nullptr, key_.get(), params) == 1,
                  "EVP_DigestVerifyInit_ex(SM2, SM3)");
    openssl_check(EVP_DigestVerifyUpdate(md.get(), message.data(), message.size()) == 1, "EVP_DigestVerifyUpdate");
    return EVP_DigestVerifyFinal(md.get(), uc(der.data()), der.size()) == 1;
}

std::array<std::byte, kSm2FieldSize> Sm2PublicKey::x_le() const noexcept {
    std::array<std::byte, kSm2FieldSize> out{};
    std::reverse_copy(point_.begin() + 1, point_.begin() + 1 + kSm2FieldSize, out.begin());
    return out;
}

std::array<std::byte, kSm2FieldSize> Sm2PublicKey::y_le() const noexcept {
    std::array<std::byte, kSm2FieldSize> out{};
    std::reverse_copy(point_.begin() + 1 + kSm2FieldSize, point_.end(), out.begin());
    return out;
}

Bytes Sm2PublicKey::encrypt(ByteSpan plaintext) const {
    if (plaintext.empty()) throw InputError("SM2 encryption of an empty message");
    // GB/T 32918.4 §6.1: OpenSSL draws k in [1, n-1] and returns the GM/T 0009 DER form.
    const EvpPkeyCtxPtr ctx = sm2_cipher(key_.get(), EVP_PKEY_encrypt_init_ex, "EVP_PKEY_encrypt_init_ex(SM2)");
    std::size_t len = 0;
    openssl_check(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, uc(plaintext.data()), plaintext.size()) == 1,
                  "EVP_PKEY_encrypt(SM2)");
    Bytes der(len);
    openssl_check(EVP_PKEY_encrypt(ctx.get(), uc(der.data()), &len, uc(plaintext.data()), plaintext.size()) == 1,
                  "EVP_PKEY_encrypt(SM2)");
    der.resize(len);
    return c1c3c2_from_der(der);
}

namespace {

std::array<std::byte, 65> public_point(EVP_PKEY* key) {
    std::array<std::byte, 65> point{};
    std::size_t len = 0;
    openssl_check(
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, uc(point.data()), point.size(), &len) == 1 &&
            len == point.size() && point[0] == std::byte{0x04},
        "EVP_PKEY_get_octet_string_param(pub)");
    return point;
}

Sm2PublicKey public_of(const std::array<std::byte, 65>& point) {
    Bytes x(point.rend() - 1 - kSm2FieldSize, point.rend() - 1), y(point.rbegin(), point.rbegin() + kSm2FieldSize);
    return Sm2PublicKey::from_le(x, y, "SM2 key pair");
}

}  // namespace

Sm2PrivateKey Sm2PrivateKey::generate() {
    Sm2PrivateKey k;
    k.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"));
    openssl_check(k.key_ != nullptr, "EVP_PKEY_Q_keygen(SM2)");
    k.public_ = public_of(public_point(k.key_.get()));
    return k;
}

Sm2PrivateKey Sm2PrivateKey::from_be(ByteSpan d) {
    if (d.size() != kSm2FieldSize) throw InputError("SM2 private key must be 32 bytes");
    EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_sm2));
    BignumPtr scalar(BN_secure_new());
    openssl_check(group && scalar && BN_bin2bn(uc(d.data()), static_cast<int>(d.size()), scalar.get()), "BN_bin2bn");
    // GB/T 32918.1 §6.1: d in [1, n-2].
    BignumPtr limit(BN_dup(EC_GROUP_get0_order(group.get())));
    openssl_check(limit && BN_sub_word(limit.get(), 1) == 1, "BN_sub_word");
    if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), limit.get()) >= 0)
        throw InputError("SM2 private key out of range [1, n-2]");
    // Raw EC arithmetic: OpenSSL 3.0's EVP_PKEY_fromdata does not derive the public point of an
    // imported private scalar, and an SM2 key pair without it cannot be used.
    EcPointPtr q(EC_POINT_new(group.get()));
    std::array<std::byte, 65> point{};
    openssl_check(q && EC_POINT_mul(group.get(), q.get(), scalar.get(), nullptr, nullptr, nullptr) == 1 &&
                      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, uc(point.data()),
                                         point.size(), nullptr) == point.size(),
                  "EC_POINT_mul");
    Bytes priv(kSm2FieldSize);
    openssl_check(BN_bn2nativepad(scalar.get(), uc(priv.data()), static_cast<int>(priv.size())) > 0, "BN_bn2nativepad");
    char group_name[] = "SM2";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
                                 OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, uc(priv.data()), priv.size()),
                                 OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
                                 OSSL_PARAM_construct_end()};
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* raw = nullptr;
    const bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                    EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, const_cast<OSSL_PARAM*>(params)) == 1;
    OPENSSL_cleanse(priv.data(), priv.size());
    openssl_check(ok && raw != nullptr, "EVP_PKEY_fromdata(SM2 key pair)");
    Sm2PrivateKey k;
    k.key_.reset(raw);
    k.public_ = public_of(point);
    return k;
}

Sm2PrivateKey Sm2PrivateKey::from_pem(ByteSpan pem, std::string_view source) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX)) throw InputError(std::string(source) + ": key file too large");
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    openssl_check(bio != nullptr, "BIO_new_mem_buf");
    // An empty passphrase refuses encrypted keys instead of prompting on the terminal.
    char empty[] = "";
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty));
    ERR_clear_error();
    if (!key) throw InputError(std::string(source) + ": not an unencrypted PEM private key");
    char group[32] = {};
    const bool sm2 =
        EVP_PKEY_is_a(key.get(), "SM2") ||
        (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) == 1 &&
         std::string_view(group) == "SM2");
    if (!sm2) throw InputError(std::string(source) + ": not an SM2 private key");
    BIGNUM* d = nullptr;
    openssl_check(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1, "read SM2 private scalar");
    BignumPtr scalar(d);
    Bytes be(kSm2FieldSize);
    openssl_check(BN_bn2binpad(scalar.get(), uc(be.data()), static_cast<int>(be.size())) == static_cast<int>(be.size()),
                  "BN_bn2binpad");
    try {
        Sm2PrivateKey k = from_be(be);
        OPENSSL_cleanse(be.data(), be.size());
        return k;
    } catch (...) {
        OPENSSL_cleanse(be.data(), be.size());
        throw;
    }
}

Sm2PrivateKey::Signature Sm2PrivateKey::sign(ByteSpan message, ByteSpan user_id) const {
    EvpMdCtxPtr md(EVP_MD_CTX_new());
    openssl_check(md != nullptr, "EVP_MD_CTX_new");
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(
                                     OSSL_PKEY_PARAM_DIST_ID, const_cast<std::byte*>(user_id.data()), user_id.size()),
                                 OSSL_PARAM_construct_end()};
    std::size_t len = 0;
    openssl_check(EVP_DigestSignInit_ex(md.get(), nullptr, "SM3", nullptr, nullptr, key_.get(), params) == 1 &&
                      EVP_DigestSign(md.get(), nullptr, &len, uc(message.data()), message.size()) == 1,
                  "EVP_DigestSignInit_ex(SM2, SM3)");
    Bytes der(len);
    openssl_check(EVP_DigestSign(md.get(), uc(der.data()), &len, uc(message.data()), message.size()) == 1,
                  "EVP_DigestSign");
    const unsigned char* p = uc(der.data());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    openssl_check(sig != nullptr, "d2i_ECDSA_SIG");
    Signature out;
    openssl_check(BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), uc(out.r.data()), kSm2FieldSize) == kSm2FieldSize &&
                      BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), uc(out.s.data()), kSm2FieldSize) == kSm2FieldSize,
                  "BN_bn2lebinpad");
    return out;
}

SecretBytes Sm2PrivateKey::decrypt(ByteSpan ciphertext, std::size_t plaintext_size) const {
    if (plaintext_size == 0 || ciphertext.size() < kC1Size + kC3Size + plaintext_size)
        throw InputError("SM2 ciphertext of " + std::to_string(ciphertext.size()) + " bytes cannot hold " +
                         std::to_string(plaintext_size) + " bytes of plaintext");
    const Bytes der = der_from_c1c3c2(ciphertext.first(kC1Size + kC3Size + plaintext_size));

    const EvpPkeyCtxPtr ctx = sm2_cipher(key_.get(), EVP_PKEY_decrypt_init_ex, "EVP_PKEY_decrypt_init_ex(SM2)");
    std::size_t len = 0;
    openssl_check(EVP_PKEY_decrypt(ctx.get(), nullptr, &len, uc(der.data()), der.size()) == 1, "EVP_PKEY_decrypt");
    SecretBytes plain(len);
    if (EVP_PKEY_decrypt(ctx.get(), uc(plain.data()), &len, uc(der.data()), der.size()) != 1 || len != plaintext_size)
        throw InputError("SM2 ciphertext does not decrypt with this key (C3 does not verify)");
    return plain;
}

}  // namespace ccvm::secret::csv
