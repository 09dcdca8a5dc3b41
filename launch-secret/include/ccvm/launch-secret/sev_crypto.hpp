// The two symmetric primitives of the SEV guest-owner channel (AMD SEV API spec (pub. 55766) LAUNCH_START,
// LAUNCH_SECRET): HMAC-SHA256 and AES-128-CTR with the full 16-byte IV as a big-endian counter (OpenSSL semantics, as
// the PSP).
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::secret {

inline constexpr std::size_t kAes128KeySize = 16;
inline constexpr std::size_t kAesCtrIvSize = 16;
using AesCtrIv = std::array<std::byte, kAesCtrIvSize>;

// HMAC-SHA256 over the concatenation of `parts` (fed in order, never copied together).
Sha256Digest hmac_sha256(ByteSpan key, std::initializer_list<ByteSpan> parts);

// AES-128-CTR of `data` under a 16-byte `key` starting at counter block `iv`. Encryption and
// decryption are the same operation.
Bytes aes_128_ctr(ByteSpan key, const AesCtrIv& iv, ByteSpan data);

// Constant-time equality of two equally long byte strings (false when the lengths differ).
bool constant_time_equal(ByteSpan a, ByteSpan b) noexcept;

}  // namespace ccvm::secret
