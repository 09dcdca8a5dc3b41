#include "ccvm/launch-secret/kdf.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"

namespace ccvm::secret {
namespace {
std::array<std::byte, 4> u32le(std::uint32_t v) {
    return {std::byte(v & 0xff), std::byte((v >> 8) & 0xff), std::byte((v >> 16) & 0xff), std::byte(v >> 24)};
}
}  // namespace

SecretBytes kdf_sp800_108(ByteSpan key, std::string_view label, ByteSpan context, std::size_t out_len) {
    if (out_len == 0 || out_len > (UINT32_MAX / 8)) throw InputError("KDF output length out of range");
    SecretBytes out(out_len);
    const auto bits = u32le(static_cast<std::uint32_t>(out_len * 8));
    const std::byte separator[1] = {std::byte{0}};
    std::size_t done = 0;
    for (std::uint32_t i = 1; done < out_len; ++i) {
        const auto counter = u32le(i);
        Sha256Digest k = hmac_sha256(key, {counter, as_bytes(label), separator, context, bits});
        std::size_t n = std::min(k.size(), out_len - done);
        std::copy_n(k.begin(), n, out.data() + done);
        done += n;
        OPENSSL_cleanse(k.data(), k.size());  // each block is key material
    }
    return out;
}

}  // namespace ccvm::secret
