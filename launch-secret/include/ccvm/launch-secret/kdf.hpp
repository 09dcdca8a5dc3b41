// SP 800-108 key derivation in counter mode with HMAC-SHA256, as the SEV firmware uses it to turn
// the ECDH shared secret into the master secret, KEK and KIK (AMD SEV API spec (pub. 55766) LAUNCH_START).
#pragma once

#include <cstddef>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::secret {

// AMD SEV API spec (pub. 55766) LAUNCH_START: labels of the three derivations.
inline constexpr std::string_view kMasterSecretLabel = "sev-master-secret";
inline constexpr std::string_view kKekLabel = "sev-kek";
inline constexpr std::string_view kKikLabel = "sev-kik";

// K_i = HMAC-SHA256(key, u32le(i) || label || 0x00 || context || u32le(out_len * 8)), i = 1, 2, ...;
// the concatenation truncated to out_len bytes.
SecretBytes kdf_sp800_108(ByteSpan key, std::string_view label, ByteSpan context, std::size_t out_len);

}  // namespace ccvm::secret
