#include "ccvm/launch-secret/sev_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <climits>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::secret {

Sha256Digest hmac_sha256(ByteSpan key, std::initializer_list<ByteSpan> parts) {
    EvpMacPtr mac = openssl_checked(EvpMacPtr(EVP_MAC_fetch(nullptr, "HMAC", nullptr)), "fetch HMAC");
    EvpMacCtxPtr ctx = openssl_checked(EvpMacCtxPtr(EVP_MAC_CTX_new(mac.get())), "new HMAC context");
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
    // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char empty = 0;
    const auto* k = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
    openssl_check(EVP_MAC_init(ctx.get(), k, key.size(), params), "HMAC-SHA256 init");
    for (ByteSpan p : parts) {
        openssl_check(EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(p.data()), p.size()),
                      "HMAC-SHA256 update");
    }
    Sha256Digest out{};
    std::size_t len = 0;
    openssl_check(EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()),
                  "HMAC-SHA256 final");
    if (len != out.size()) throw SystemError("OpenSSL: HMAC-SHA256 returned " + std::to_string(len) + " bytes");
    return out;
}

Bytes aes_128_ctr(ByteSpan key, const AesCtrIv& iv, ByteSpan data) {
    if (key.size() != kAes128KeySize) {
        throw InputError("AES-128-CTR key is " + std::to_string(key.size()) + " bytes, expected 16");
    }
    if (data.size() > static_cast<std::size_t>(INT_MAX)) throw InputError("AES-128-CTR input too large");
    EvpCipherPtr cipher =
        openssl_checked(EvpCipherPtr(EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr)), "fetch AES-128-CTR");
    EvpCipherCtxPtr ctx = openssl_checked(EvpCipherCtxPtr(EVP_CIPHER_CTX_new()), "new cipher context");
    openssl_check(EVP_EncryptInit_ex2(ctx.get(), cipher.get(), reinterpret_cast<const unsigned char*>(key.data()),
                                      reinterpret_cast<const unsigned char*>(iv.data()), nullptr),
                  "AES-128-CTR init");
    Bytes out(data.size());
    int n = 0;
    if (!data.empty()) {
        openssl_check(
            EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                              reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size())),
            "AES-128-CTR update");
    }
    int tail = 0;
    unsigned char scratch[16];
    openssl_check(EVP_EncryptFinal_ex(ctx.get(), scratch, &tail), "AES-128-CTR final");
    if (static_cast<std::size_t>(n) != data.size() || tail != 0)
        throw SystemError("OpenSSL: AES-128-CTR length mismatch");
    return out;
}

bool constant_time_equal(ByteSpan a, ByteSpan b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ccvm::secret
