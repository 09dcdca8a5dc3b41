// Multi-buffer SHA-2: N independent messages of equal length hashed side by side, one per SIMD lane
// (SHA-384/512: 8 lanes with AVX-512, 4 with AVX2; SHA-256: 16 and 8). OpenSSL's one-buffer digest
// is the "scalar" level: the fallback on other CPUs and for SM3, and the reference the tests compare
// every level against.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm {

enum class HashLevel { scalar, avx2, avx512 };

std::string_view to_string(HashLevel level) noexcept;  // "scalar", "avx2", "avx512"
std::optional<HashLevel> parse_hash_level(std::string_view text) noexcept;

// Whether this CPU (and OS) can run the level; scalar always can.
bool cpu_supports(HashLevel level) noexcept;

// The environment variable that forces one level for every algorithm (tests, benchmarks):
// scalar | avx2 | avx512 | auto (the default: the level measured fastest for each algorithm).
inline constexpr const char* kHashEngineEnv = "CCVM_HASH_ENGINE";

// The level used for `algo`: CCVM_HASH_ENGINE if set, else the fastest level this CPU supports for
// it. Throws InputError naming the variable if it holds an unknown level or one the CPU lacks.
HashLevel hash_level(HashAlgo algo);

// Messages hashed side by side by `level` for `algo` (1: one at a time through OpenSSL).
std::size_t hash_lanes(HashAlgo algo, HashLevel level) noexcept;

// Hashes every message of `msgs` (all of one length) and writes the digests in order to `out`
// (msgs.size() * digest_size(algo) bytes). Throws InputError if the CPU lacks `level`.
void hash_many(HashAlgo algo, HashLevel level, std::span<const ByteSpan> msgs, MutableByteSpan out);
// Same at hash_level(algo).
void hash_many(HashAlgo algo, std::span<const ByteSpan> msgs, MutableByteSpan out);

// `count` messages of `len` bytes each, message i at data + i * stride (stride >= len), at `level`.
void hash_strided(HashAlgo algo, HashLevel level, const std::byte* data, std::size_t stride, std::size_t len,
                  std::size_t count, MutableByteSpan out);

}  // namespace ccvm
