#include "ccvm/launch-secret/csv/hmac_sm3.hpp"

#include <openssl/core_names.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::secret::csv {

Sm3Digest hmac_sm3(ByteSpan key, std::initializer_list<ByteSpan> parts) {
    EvpMacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    openssl_check(mac != nullptr, "EVP_MAC_fetch(HMAC)");
    EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
    openssl_check(ctx != nullptr, "EVP_MAC_CTX_new");
    char digest_name[] = "SM3";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                 OSSL_PARAM_construct_end()};
    // A zero-length key is legal for HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char kEmpty = 0;
    const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    openssl_check(EVP_MAC_init(ctx.get(), k, key.size(), params) == 1, "EVP_MAC_init(HMAC-SM3)");
    for (ByteSpan part : parts)
        openssl_check(EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1,
                      "EVP_MAC_update");
    Sm3Digest out{};
    std::size_t len = 0;
    openssl_check(EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) == 1 &&
                      len == out.size(),
                  "EVP_MAC_final");
    return out;
}

}  // namespace ccvm::secret::csv
