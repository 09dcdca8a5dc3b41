// Fixed-size digest types and the hash algorithms ccvm uses.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm {

enum class HashAlgo { sha256, sha384, sha512, sm3 };

constexpr std::size_t digest_size(HashAlgo algo) noexcept {
    switch (algo) {
        case HashAlgo::sha256:
            return 32;
        case HashAlgo::sha384:
            return 48;
        case HashAlgo::sha512:
            return 64;
        case HashAlgo::sm3:
            return 32;
    }
    return 0;
}

std::string_view to_string(HashAlgo algo) noexcept;

template <std::size_t N>
using Digest = std::array<std::byte, N>;
using Sha256Digest = Digest<32>;
using Sha384Digest = Digest<48>;
using Sha512Digest = Digest<64>;
using Sm3Digest = Digest<32>;

}  // namespace ccvm
