#include "ccvm/launch-secret/csv/sm3_kdf.hpp"

#include <openssl/crypto.h>

#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::secret::csv {

Bytes kdf_x963_sm3(ByteSpan x, std::size_t length) {
    Bytes out;
    out.reserve(length + digest_size(HashAlgo::sm3));
    Hasher h(HashAlgo::sm3);
    Sm3Digest block{};
    for (std::uint32_t counter = 1; out.size() < length; ++counter) {
        const std::array<std::byte, 4> be{std::byte(counter >> 24), std::byte(counter >> 16),
                                          std::byte(counter >> 8), std::byte(counter)};
        h.update(x).update(be).finish(block);
        append(out, block);
    }
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(out.data() + length, out.size() - length);
    out.resize(length);
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
