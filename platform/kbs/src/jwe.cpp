#include "ccvm/kbs/jwe.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cstring>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/base64url.hpp"

namespace ccvm::kbs {
namespace {

using secret::SecretBytes;

constexpr std::size_t kCekSize = 32;  // A256GCM (RFC 7518 section 5.3)
constexpr std::size_t kIvSize = 12;   // 96-bit GCM IV (RFC 7518 section 5.3)
constexpr std::size_t kTagSize = 16;  // 128-bit GCM tag (RFC 7518 section 5.3)

const unsigned char* u8(ByteSpan b) noexcept { return reinterpret_cast<const unsigned char*>(b.data()); }
unsigned char* u8(MutableByteSpan b) noexcept { return reinterpret_cast<unsigned char*>(b.data()); }

void random_fill(MutableByteSpan out) {
    openssl_check(RAND_bytes(u8(out), static_cast<int>(out.size())), "RAND_bytes");
}

struct Sealed {
    Bytes ciphertext, tag;
};

Sealed gcm_seal(ByteSpan key, ByteSpan iv, ByteSpan aad, ByteSpan plaintext) {
    const EvpCipherCtxPtr ctx(openssl_checked(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new"));
    openssl_check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr), "AES-GCM init");
    openssl_check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr),
                  "GCM IV");
    openssl_check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, u8(key), u8(iv)), "AES-GCM key");
    int len = 0;
    openssl_check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())), "GCM AAD");
    Sealed s;
    s.ciphertext.resize(plaintext.size());
    openssl_check(EVP_EncryptUpdate(ctx.get(), u8(MutableByteSpan(s.ciphertext)), &len, u8(plaintext),
                                    static_cast<int>(plaintext.size())),
                  "AES-GCM encrypt");
    int fin = 0;
    openssl_check(EVP_EncryptFinal_ex(ctx.get(), u8(MutableByteSpan(s.ciphertext)) + len, &fin), "AES-GCM final");
    s.tag.resize(kTagSize);
    openssl_check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), s.tag.data()),
                  "GCM tag");
    return s;
}

SecretBytes gcm_open(ByteSpan key, ByteSpan iv, ByteSpan aad, ByteSpan ciphertext, ByteSpan tag) {
    const EvpCipherCtxPtr ctx(openssl_checked(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new"));
    openssl_check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr), "AES-GCM init");
    openssl_check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr),
                  "GCM IV");
    openssl_check(EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u8(key), u8(iv)), "AES-GCM key");
    int len = 0;
    openssl_check(EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())), "GCM AAD");
    SecretBytes out(ciphertext.size());
    openssl_check(
        EVP_DecryptUpdate(ctx.get(), u8(out.mutable_span()), &len, u8(ciphertext), static_cast<int>(ciphertext.size())),
        "AES-GCM decrypt");
    Bytes t(tag.begin(), tag.end());
    openssl_check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(t.size()), t.data()),
                  "GCM tag");
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), u8(out.mutable_span()) + len, &fin) != 1) {
        ERR_clear_error();
        throw MismatchError("JWE: the authentication tag does not verify (wrong key or altered message)");
    }
    return out;
}

// AES Key Wrap (RFC 3394), as A256KW (RFC 7518 section 4.4) uses it.
Bytes aes_kw(ByteSpan kek, ByteSpan in, bool wrap) {
    const EvpCipherCtxPtr ctx(openssl_checked(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new"));
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    openssl_check(EVP_CipherInit_ex(ctx.get(), EVP_aes_256_wrap(), nullptr, u8(kek), nullptr, wrap ? 1 : 0),
                  "AES key wrap init");
    Bytes out(in.size() + 8);
    int len = 0;
    if (EVP_CipherUpdate(ctx.get(), u8(MutableByteSpan(out)), &len, u8(in), static_cast<int>(in.size())) != 1 ||
        len <= 0) {
        ERR_clear_error();
        if (!wrap) throw MismatchError("JWE: the wrapped key does not unwrap (wrong key or altered message)");
        throw SystemError("OpenSSL: AES key wrap failed");
    }
    out.resize(static_cast<std::size_t>(len));
    return out;
}

EvpPkeyPtr generate_ec(Curve curve) {
    const std::string name(to_string(curve));
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name.c_str());
    return EvpPkeyPtr(openssl_checked(key, "EC key generation"));
}

SecretBytes ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
    const EvpPkeyCtxPtr ctx(openssl_checked(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr), "ECDH context"));
    openssl_check(EVP_PKEY_derive_init(ctx.get()), "ECDH init");
    if (EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1) {
        ERR_clear_error();
        throw InputError("JWE: the ephemeral key is not on the recipient key's curve");
    }
    std::size_t len = 0;
    openssl_check(EVP_PKEY_derive(ctx.get(), nullptr, &len), "ECDH size");
    SecretBytes z(len);
    openssl_check(EVP_PKEY_derive(ctx.get(), u8(z.mutable_span()), &len), "ECDH");
    return z;
}

void set_oaep_sha256(EVP_PKEY_CTX* ctx) {
    openssl_check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 ? 1 : 0, "RSA OAEP padding");
    openssl_check(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) > 0 ? 1 : 0, "RSA OAEP SHA-256");
    openssl_check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0 ? 1 : 0, "RSA MGF1 SHA-256");
}

Bytes rsa_oaep_encrypt(EVP_PKEY* key, ByteSpan in) {
    const EvpPkeyCtxPtr ctx(openssl_checked(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), "RSA context"));
    openssl_check(EVP_PKEY_encrypt_init(ctx.get()), "RSA encrypt init");
    set_oaep_sha256(ctx.get());
    std::size_t len = 0;
    openssl_check(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, u8(in), in.size()), "RSA encrypt size");
    Bytes out(len);
    openssl_check(EVP_PKEY_encrypt(ctx.get(), u8(MutableByteSpan(out)), &len, u8(in), in.size()), "RSA-OAEP encrypt");
    out.resize(len);
    return out;
}

SecretBytes rsa_oaep_decrypt(EVP_PKEY* key, ByteSpan in) {
    const EvpPkeyCtxPtr ctx(openssl_checked(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), "RSA context"));
    openssl_check(EVP_PKEY_decrypt_init(ctx.get()), "RSA decrypt init");
    set_oaep_sha256(ctx.get());
    std::size_t len = 0;
    openssl_check(EVP_PKEY_decrypt(ctx.get(), nullptr, &len, u8(in), in.size()), "RSA decrypt size");
    SecretBytes buf(len);
    if (EVP_PKEY_decrypt(ctx.get(), u8(buf.mutable_span()), &len, u8(in), in.size()) != 1) {
        ERR_clear_error();
        throw MismatchError("JWE: the encrypted key does not decrypt with this RSA key");
    }
    return SecretBytes(buf.span().first(len));
}

void refuse_rsa15(std::string_view alg) {
    if (alg == kAlgRsa15)
        throw InputError(
            "JWE: alg RSA1_5 (RSAES-PKCS1-v1_5) is refused: it is open to padding-oracle attacks; use "
            "RSA-OAEP-256 or ECDH-ES+A256KW");
}

const std::string& str_member(const json::Value& v, const char* name) {
    const auto it = v.find(name);
    if (it == v.end() || !it->is_string())
        throw InputError(std::string("JWE: member \"") + name + "\" missing or not a string");
    return it->get_ref<const std::string&>();
}

Bytes optional_b64(const json::Value& header, const char* name) {
    const auto it = header.find(name);
    if (it == header.end()) return {};
    if (!it->is_string()) throw InputError(std::string("JWE: header \"") + name + "\" is not a string");
    return base64url_decode(it->get_ref<const std::string&>(), std::string("JWE header ") + name);
}

}  // namespace

SecretBytes concat_kdf(ByteSpan shared_secret, std::string_view alg, ByteSpan apu, ByteSpan apv,
                       std::size_t key_bytes) {
    // OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, each of the first three a
    // 32-bit big-endian length and its data, SuppPubInfo the key length in bits (RFC 7518 4.6.2).
    Bytes other;
    auto put_u32 = [&](std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8) other.push_back(std::byte((v >> s) & 0xff));
    };
    auto put_data = [&](ByteSpan d) {
        put_u32(static_cast<std::uint32_t>(d.size()));
        append(other, d);
    };
    put_data(as_bytes(alg));
    put_data(apu);
    put_data(apv);
    put_u32(static_cast<std::uint32_t>(key_bytes * 8));
    SecretBytes out(key_bytes);
    Hasher h(HashAlgo::sha256);
    std::size_t done = 0;
    for (std::uint32_t counter = 1; done < key_bytes; ++counter) {
        Bytes round;
        for (int s = 24; s >= 0; s -= 8) round.push_back(std::byte((counter >> s) & 0xff));
        h.update(round).update(shared_secret).update(other);
        SecretBytes block(32);
        h.finish(block.mutable_span());
        const std::size_t n = std::min<std::size_t>(32, key_bytes - done);
        std::memcpy(out.data() + done, block.data(), n);
        done += n;
    }
    return out;
}

json::Value jwe_encrypt(const Jwk& recipient, ByteSpan plaintext) {
    refuse_rsa15(recipient.alg);
    SecretBytes cek(kCekSize);
    random_fill(cek.mutable_span());
    json::Value header = {{"enc", std::string(kEncA256gcm)}};
    Bytes encrypted_key;
    const EvpPkeyPtr peer = recipient.public_key();
    if (recipient.kty == KeyType::ec && recipient.alg == kAlgEcdhEsA256kw) {
        const EvpPkeyPtr eph = generate_ec(recipient.crv);
        const SecretBytes z = ecdh(eph.get(), peer.get());
        const SecretBytes kek = concat_kdf(z, kAlgEcdhEsA256kw, {}, {}, 32);
        encrypted_key = aes_kw(kek, cek, true);
        Jwk epk = Jwk::from_public_key(eph.get(), "");
        json::Value epk_json = epk.to_json();
        epk_json.erase("alg");  // the epk carries no alg (RFC 7518 section 4.6.1.1)
        header["alg"] = std::string(kAlgEcdhEsA256kw);
        header["epk"] = epk_json;
    } else if (recipient.kty == KeyType::rsa && recipient.alg == kAlgRsaOaep256) {
        encrypted_key = rsa_oaep_encrypt(peer.get(), cek);
        header["alg"] = std::string(kAlgRsaOaep256);
    } else {
        throw InputError("JWE: alg \"" + recipient.alg + "\" is not supported for a" +
                         (recipient.kty == KeyType::ec ? "n EC" : " RSA") +
                         " key (EC keys take ECDH-ES+A256KW, RSA keys RSA-OAEP-256)");
    }
    const std::string protected_b64 = base64url_encode(as_bytes(header.dump()));
    Bytes iv(kIvSize);
    random_fill(iv);
    // The additional data is ASCII(BASE64URL(UTF8(JWE Protected Header))) (RFC 7516 section 5.1
    // step 14, no aad member), as Trustee's kbs/src/jwe builds it.
    const Sealed s = gcm_seal(cek, iv, as_bytes(protected_b64), plaintext);
    return {{"protected", protected_b64},
            {"encrypted_key", base64url_encode(encrypted_key)},
            {"iv", base64url_encode(iv)},
            {"ciphertext", base64url_encode(s.ciphertext)},
            {"tag", base64url_encode(s.tag)}};
}

SecretBytes jwe_decrypt(const json::Value& jwe, EVP_PKEY* private_key) {
    if (!jwe.is_object()) throw InputError("JWE: not a JSON object");
    const std::string& protected_b64 = str_member(jwe, "protected");
    const Bytes header_bytes = base64url_decode(protected_b64, "JWE protected header");
    json::Value header = json::parse_untrusted(as_chars(header_bytes), "JWE protected header");
    if (!header.is_object()) throw InputError("JWE: the protected header is not a JSON object");
    // The JOSE header is the union of the protected, shared unprotected and per-recipient headers,
    // whose names must be disjoint (RFC 7516 section 7.2.1); only the protected part is authenticated.
    for (const char* part : {"unprotected", "header"}) {
        const auto it = jwe.find(part);
        if (it == jwe.end()) continue;
        if (!it->is_object()) throw InputError(std::string("JWE: \"") + part + "\" is not a JSON object");
        for (const auto& [name, value] : it->items()) {
            if (header.contains(name)) throw InputError("JWE: header parameter \"" + name + "\" is given twice");
            header[name] = value;
        }
    }
    const std::string& alg = str_member(header, "alg");
    const std::string& enc = str_member(header, "enc");
    refuse_rsa15(alg);
    if (enc != kEncA256gcm) throw InputError("JWE: enc \"" + enc + "\" is not supported (only A256GCM)");
    const Bytes encrypted_key = base64url_decode(str_member(jwe, "encrypted_key"), "JWE encrypted_key");
    const Bytes iv = base64url_decode(str_member(jwe, "iv"), "JWE iv");
    const Bytes ciphertext = base64url_decode(str_member(jwe, "ciphertext"), "JWE ciphertext");
    const Bytes tag = base64url_decode(str_member(jwe, "tag"), "JWE tag");
    if (iv.size() != kIvSize) throw InputError("JWE: iv must be 12 bytes for A256GCM");
    if (tag.size() != kTagSize) throw InputError("JWE: tag must be 16 bytes for A256GCM");

    SecretBytes cek;
    if (alg == kAlgEcdhEsA256kw) {
        if (!EVP_PKEY_is_a(private_key, "EC")) throw InputError("JWE: ECDH-ES+A256KW needs an EC private key");
        const auto epk_it = header.find("epk");
        if (epk_it == header.end()) throw InputError("JWE: ECDH-ES+A256KW header has no epk");
        json::Value epk = *epk_it;
        if (epk.is_object() && !epk.contains("alg")) epk["alg"] = std::string(kAlgEcdhEsA256kw);
        const EvpPkeyPtr peer = Jwk::from_json(epk, "JWE epk").public_key();
        const SecretBytes z = ecdh(private_key, peer.get());
        const SecretBytes kek =
            concat_kdf(z, kAlgEcdhEsA256kw, optional_b64(header, "apu"), optional_b64(header, "apv"), 32);
        const Bytes unwrapped = aes_kw(kek, encrypted_key, false);
        cek = SecretBytes(unwrapped);
    } else if (alg == kAlgRsaOaep256) {
        if (!EVP_PKEY_is_a(private_key, "RSA")) throw InputError("JWE: RSA-OAEP-256 needs an RSA private key");
        cek = rsa_oaep_decrypt(private_key, encrypted_key);
    } else {
        throw InputError("JWE: alg \"" + alg + "\" is not supported (ECDH-ES+A256KW, RSA-OAEP-256)");
    }
    if (cek.size() != kCekSize) throw MismatchError("JWE: the content key is not 32 bytes");
    std::string aad = protected_b64;
    if (const auto it = jwe.find("aad"); it != jwe.end()) {
        if (!it->is_string()) throw InputError("JWE: aad is not a string");
        // Appended piece by piece: for `"." + string` GCC 12 at -O3 reports a false -Wrestrict.
        aad += '.';
        aad += it->get<std::string>();
    }
    return gcm_open(cek, iv, as_bytes(aad), ciphertext, tag);
}

}  // namespace ccvm::kbs
