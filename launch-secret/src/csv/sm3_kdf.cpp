#include "ccvm/launch-secret/csv/sm3_kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>

#include "ccvm/base/openssl.hpp"

namespace ccvm::secret::csv {
namespace {

unsigned char* uc(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }

}  // namespace

Bytes kdf_x963_sm3(ByteSpan x, std::size_t length) {
    Bytes out(length);
    if (length == 0) return out;  // OpenSSL's KDFs refuse an empty output
    EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_X963KDF, nullptr));
    openssl_check(kdf != nullptr, "EVP_KDF_fetch(X963KDF)");
    EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
    openssl_check(ctx != nullptr, "EVP_KDF_CTX_new(X963KDF)");
    // SEC 1 v2 §3.6.1 (the ANSI X9.63 KDF) with no SharedInfo: SM3(x || be32(counter)) for counter = 1, 2, ...
    char digest[] = "SM3";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::byte*>(x.data()), x.size()),
        OSSL_PARAM_construct_end()};
    openssl_check(EVP_KDF_derive(ctx.get(), uc(out.data()), out.size(), params) == 1, "EVP_KDF_derive(X963KDF, SM3)");
    return out;
}

Bytes derive_key(ByteSpan key, std::size_t size, ByteSpan context, std::string_view label) {
    constexpr std::size_t kBlock = 32;  // csv-rs session/key.rs: output rounded up to SM3 blocks
    const std::size_t rounded = (size + kBlock - 1) / kBlock * kBlock;
    Bytes prefix(key.begin(), key.end());
    append(prefix, as_bytes(label));
    prefix.push_back(std::byte{0});
    append(prefix, context);
    Bytes first = kdf_x963_sm3(prefix, rounded);
    append(prefix, first);
    Bytes out = kdf_x963_sm3(prefix, rounded);
    OPENSSL_cleanse(prefix.data(), prefix.size());
    OPENSSL_cleanse(first.data(), first.size());
    OPENSSL_cleanse(out.data() + size, out.size() - size);
    out.resize(size);
    return out;
}

}  // namespace ccvm::secret::csv
