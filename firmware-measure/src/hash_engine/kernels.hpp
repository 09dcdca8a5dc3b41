// Multi-buffer SHA-2 block kernels: each call runs the FIPS 180-4 compression function over `blocks`
// consecutive message blocks of every lane at once, one lane per SIMD element.
//   state:  8 hash words x kLanes, word-major (state[w * lanes + lane]), updated in place;
//   lanes:  kLanes pointers, lane l reads blocks * block_size bytes from lanes[l].
// Each kernel is compiled with its own ISA flags (see firmware-measure/CMakeLists.txt) and may only be
// called when the CPU has that ISA (hash_engine.cpp checks).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ccvm::hash_engine {

inline constexpr std::size_t kSha256Block = 64;
inline constexpr std::size_t kSha512Block = 128;

#if defined(__x86_64__)
// AVX2: 4 x 64-bit lanes (SHA-512 family), 8 x 32-bit lanes (SHA-256).
void sha512_blocks_avx2(std::uint64_t* state, const unsigned char* const* lanes, std::size_t blocks);
void sha256_blocks_avx2(std::uint32_t* state, const unsigned char* const* lanes, std::size_t blocks);
inline constexpr std::size_t kSha512LanesAvx2 = 4;
inline constexpr std::size_t kSha256LanesAvx2 = 8;
// AVX-512 (F, BW, VL): 8 x 64-bit lanes, 16 x 32-bit lanes.
void sha512_blocks_avx512(std::uint64_t* state, const unsigned char* const* lanes, std::size_t blocks);
void sha256_blocks_avx512(std::uint32_t* state, const unsigned char* const* lanes, std::size_t blocks);
inline constexpr std::size_t kSha512LanesAvx512 = 8;
inline constexpr std::size_t kSha256LanesAvx512 = 16;
#endif

}  // namespace ccvm::hash_engine
