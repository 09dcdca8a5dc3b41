// SM4 in CTR mode (128-bit big-endian counter block = IV), the CSV key-wrap and secret cipher.
#pragma once

#include "ccvm/base/bytes.hpp"

namespace ccvm::secret::csv {

inline constexpr std::size_t kSm4KeySize = 16;
inline constexpr std::size_t kSm4IvSize = 16;

// Encrypts (or, CTR being symmetric, decrypts) `data`; key and iv must be 16 bytes each.
Bytes sm4_ctr(ByteSpan key, ByteSpan iv, ByteSpan data);

}  // namespace ccvm::secret::csv
