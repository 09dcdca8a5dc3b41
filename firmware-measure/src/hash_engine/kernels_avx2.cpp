// AVX2 multi-buffer SHA-2 kernels: 4 SHA-512 lanes or 8 SHA-256 lanes per ymm register. Built with
// -mavx2 for this file only; hash_engine.cpp calls it only when the CPU and OS support AVX2.
#if defined(__x86_64__)
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 reports its own _mm*_undefined_* placeholders inside the intrinsic headers as "maybe
// uninitialized" (GCC bug 105593); the warning is about the header, not this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "compress.hpp"
#include "kernels.hpp"

namespace ccvm::hash_engine {
namespace {

__m256i lane_addresses(const unsigned char* const* lanes, std::size_t first) {
    alignas(32) long long addr[4];
    for (std::size_t i = 0; i < 4; ++i)
        addr[i] = static_cast<long long>(reinterpret_cast<std::uintptr_t>(lanes[first + i]));
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(addr));
}

struct Ops64 {
    using Vec = __m256i;
    static constexpr std::size_t kLanes = 4;
    static Vec load_state(const std::uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static void store_state(std::uint64_t* p, Vec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
    static Vec add(Vec a, Vec b) { return _mm256_add_epi64(a, b); }
    static Vec xor3(Vec a, Vec b, Vec c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
    static Vec ch(Vec e, Vec f, Vec g) { return _mm256_xor_si256(_mm256_and_si256(e, _mm256_xor_si256(f, g)), g); }
    static Vec maj(Vec a, Vec b, Vec c) {
        return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
    }
    template <int N>
    static Vec ror(Vec x) {
        return _mm256_or_si256(_mm256_srli_epi64(x, N), _mm256_slli_epi64(x, 64 - N));
    }
    template <int N>
    static Vec shr(Vec x) {
        return _mm256_srli_epi64(x, N);
    }
    static Vec bcast(std::uint64_t k) { return _mm256_set1_epi64x(static_cast<long long>(k)); }
    class LaneLoader {
    public:
        explicit LaneLoader(const unsigned char* const* lanes) : addr_(lane_addresses(lanes, 0)) {}
        Vec load(std::size_t off) const {
            const __m256i idx = _mm256_add_epi64(addr_, _mm256_set1_epi64x(static_cast<long long>(off)));
            const __m256i v = _mm256_i64gather_epi64(static_cast<const long long*>(nullptr), idx, 1);
            const __m256i bswap =
                _mm256_set_epi64x(0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607);
            return _mm256_shuffle_epi8(v, bswap);  // FIPS 180-4 §3.1: words are big-endian
        }

    private:
        __m256i addr_;
    };
};

struct Ops32 {
    using Vec = __m256i;
    static constexpr std::size_t kLanes = 8;
    static Vec load_state(const std::uint32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static void store_state(std::uint32_t* p, Vec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
    static Vec add(Vec a, Vec b) { return _mm256_add_epi32(a, b); }
    static Vec xor3(Vec a, Vec b, Vec c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
    static Vec ch(Vec e, Vec f, Vec g) { return _mm256_xor_si256(_mm256_and_si256(e, _mm256_xor_si256(f, g)), g); }
    static Vec maj(Vec a, Vec b, Vec c) {
        return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
    }
    template <int N>
    static Vec ror(Vec x) {
        return _mm256_or_si256(_mm256_srli_epi32(x, N), _mm256_slli_epi32(x, 32 - N));
    }
    template <int N>
    static Vec shr(Vec x) {
        return _mm256_srli_epi32(x, N);
    }
    static Vec bcast(std::uint32_t k) { return _mm256_set1_epi32(static_cast<int>(k)); }
    class LaneLoader {
    public:
        explicit LaneLoader(const unsigned char* const* lanes)
            : lo_(lane_addresses(lanes, 0)), hi_(lane_addresses(lanes, 4)) {}
        Vec load(std::size_t off) const {
            const __m256i o = _mm256_set1_epi64x(static_cast<long long>(off));
            const __m128i lo = _mm256_i64gather_epi32(static_cast<const int*>(nullptr), _mm256_add_epi64(lo_, o), 1);
            const __m128i hi = _mm256_i64gather_epi32(static_cast<const int*>(nullptr), _mm256_add_epi64(hi_, o), 1);
            const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
            const __m256i bswap =
                _mm256_set_epi64x(0x0c0d0e0f08090a0b, 0x0405060700010203, 0x0c0d0e0f08090a0b, 0x0405060700010203);
            return _mm256_shuffle_epi8(v, bswap);
        }

    private:
        __m256i lo_, hi_;
    };
};

}  // namespace

void sha512_blocks_avx2(std::uint64_t* state, const unsigned char* const* lanes, std::size_t blocks) {
    compress<Ops64, Sha512Params>(state, lanes, blocks);
}

void sha256_blocks_avx2(std::uint32_t* state, const unsigned char* const* lanes, std::size_t blocks) {
    compress<Ops32, Sha256Params>(state, lanes, blocks);
}

}  // namespace ccvm::hash_engine
#endif
