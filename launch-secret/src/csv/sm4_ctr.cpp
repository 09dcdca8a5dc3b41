#include "ccvm/launch-secret/csv/sm4_ctr.hpp"

#include <climits>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::secret::csv {

Bytes sm4_ctr(ByteSpan key, ByteSpan iv, ByteSpan data) {
    if (key.size() != kSm4KeySize) throw InputError("SM4 key must be 16 bytes, got " + std::to_string(key.size()));
    if (iv.size() != kSm4IvSize) throw InputError("SM4-CTR IV must be 16 bytes, got " + std::to_string(iv.size()));
    if (data.size() > static_cast<std::size_t>(INT_MAX)) throw InputError("SM4-CTR input larger than 2 GiB");
    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    openssl_check(ctx != nullptr, "EVP_CIPHER_CTX_new");
    openssl_check(
        EVP_EncryptInit_ex(ctx.get(), EVP_sm4_ctr(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(iv.data())) == 1,
        "EVP_EncryptInit_ex(SM4-CTR)");
    Bytes out(data.size());
    int len = 0, tail = 0;
    if (!data.empty())
        openssl_check(
            EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size())) == 1,
            "EVP_EncryptUpdate(SM4-CTR)");
    openssl_check(EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &tail) == 1 &&
                      static_cast<std::size_t>(len + tail) == data.size(),
                  "EVP_EncryptFinal_ex(SM4-CTR)");
    return out;
}

}  // namespace ccvm::secret::csv
