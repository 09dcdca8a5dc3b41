// Argument helpers shared by the pre-attestation commands (session, secret build, attest
// verify-launch, snp id-block).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::cli {

// Secret files must be private to their owner. CCVM_ALLOW_READABLE_SECRETS=1 relaxes that for
// read-only shared test fixtures; never set it where real keys live.
secret::SecretFileAccess secret_file_access();

// An integer flag that must fit `bits` bits (api versions are u8, policies u32).
std::uint64_t parse_bounded(std::string_view text, std::string_view flag, unsigned bits);

// Exactly N bytes of hex; InputError naming `flag` otherwise.
template <std::size_t N>
std::array<std::byte, N> parse_fixed_hex(std::string_view text, std::string_view flag) {
    Bytes b = from_hex(text, flag);
    if (b.size() != N) {
        throw InputError(std::string(flag) + ": " + std::to_string(b.size()) + " bytes of hex, expected " +
                         std::to_string(N));
    }
    std::array<std::byte, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = b[i];
    return out;
}

// The base64 LAUNCH_MEASURE blob (48 bytes: MEASURE || MNONCE) as QMP and libvirt report it.
Bytes parse_measurement_blob(std::string_view b64, std::string_view flag);

}  // namespace ccvm::cli
