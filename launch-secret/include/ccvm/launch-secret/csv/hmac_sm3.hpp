// HMAC-SM3, the MAC of every CSV pre-attestation structure (csv-rs src/session; Hygon QEMU target/i386/csv.c).
#pragma once

#include <initializer_list>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::secret::csv {

// HMAC-SM3(key, parts[0] || parts[1] || ...).
Sm3Digest hmac_sm3(ByteSpan key, std::initializer_list<ByteSpan> parts);

}  // namespace ccvm::secret::csv
