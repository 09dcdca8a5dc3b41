// Key derivation of the CSV LAUNCH_START package (csv-rs src/session), built on the X9.63 KDF with SM3.
#pragma once

#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::secret::csv {

// KDF_X963_SM3(x, L) = SM3(x || be32(1)) || SM3(x || be32(2)) || ... truncated to L bytes
// (also the SM2 encryption KDF).
Bytes kdf_x963_sm3(ByteSpan x, std::size_t length);

// csv-rs src/session derive(K, n, ctx, label): p = K || label || 0x00 || ctx; b = KDF(p, ceil32(n));
// b = KDF(p || b, ceil32(n)); returns b[:n]. Intermediate buffers are wiped.
Bytes derive_key(ByteSpan key, std::size_t size, ByteSpan context, std::string_view label);

}  // namespace ccvm::secret::csv
