#include "ccvm/firmware-measure/hash_engine.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "hash_engine/kernels.hpp"
#include "hash_engine/sha_constants.hpp"

namespace ccvm {
namespace {

using namespace hash_engine;

// Lanes are never more than this (SHA-256 with AVX-512).
constexpr std::size_t kMaxLanes = 16;

template <class Word>
using Kernel = void (*)(Word* state, const unsigned char* const* lanes, std::size_t blocks);

// One SHA-2 variant at one level: its kernel, lane count and FIPS 180-4 parameters.
template <class Word>
struct Engine {
    Kernel<Word> kernel;
    std::size_t lanes;
    const Word* h0;            // FIPS 180-4 §5.3 initial hash value
    std::size_t digest_words;  // SHA-384 keeps the leftmost 6 of 8 words (§6.5)
};

constexpr std::size_t kBlock512 = kSha512Block;
constexpr std::size_t kBlock256 = kSha256Block;

template <class Word>
void store_be(unsigned char* p, Word v) {
    for (std::size_t i = 0; i < sizeof(Word); ++i) p[i] = static_cast<unsigned char>(v >> (8 * (sizeof(Word) - 1 - i)));
}

// Hashes n <= engine.lanes messages of `len` bytes (ptrs[i]); spare lanes recompute message 0 and are
// discarded. Full blocks are read in place; the last one or two blocks are padded copies (FIPS 180-4
// §5.1: a 1 bit, zeros, then the message length in bits as a 64-bit (SHA-256) or 128-bit (SHA-512)
// big-endian integer).
template <class Word>
void hash_group(const Engine<Word>& engine, const unsigned char* const* ptrs, std::size_t n, std::size_t len,
                std::byte* out) {
    constexpr std::size_t block = sizeof(Word) == 8 ? kBlock512 : kBlock256;
    constexpr std::size_t length_field = 2 * sizeof(Word);
    const std::size_t lanes = engine.lanes;
    alignas(64) Word state[8 * kMaxLanes];
    for (std::size_t w = 0; w < 8; ++w)
        for (std::size_t l = 0; l < lanes; ++l) state[w * lanes + l] = engine.h0[w];
    std::array<const unsigned char*, kMaxLanes> lane{};
    for (std::size_t l = 0; l < lanes; ++l) lane[l] = ptrs[l < n ? l : 0];

    const std::size_t full = len / block;
    if (full > 0) engine.kernel(state, lane.data(), full);

    const std::size_t rem = len % block;
    const std::size_t tail_blocks = rem + 1 + length_field <= block ? 1 : 2;
    alignas(64) unsigned char tail[kMaxLanes][2 * block];
    const std::uint64_t bits_lo = static_cast<std::uint64_t>(len) << 3;
    const std::uint64_t bits_hi = static_cast<std::uint64_t>(len) >> 61;
    for (std::size_t l = 0; l < n; ++l) {
        unsigned char* t = tail[l];
        if (rem > 0) std::memcpy(t, ptrs[l] + full * block, rem);
        t[rem] = 0x80;
        const std::size_t end = tail_blocks * block;
        std::memset(t + rem + 1, 0, end - rem - 1);
        store_be<std::uint64_t>(t + end - 8, bits_lo);
        if (length_field == 16) store_be<std::uint64_t>(t + end - 16, bits_hi);
        lane[l] = t;
    }
    for (std::size_t l = n; l < lanes; ++l) lane[l] = tail[0];
    engine.kernel(state, lane.data(), tail_blocks);

    const std::size_t dsize = engine.digest_words * sizeof(Word);
    for (std::size_t l = 0; l < n; ++l)
        for (std::size_t w = 0; w < engine.digest_words; ++w)
            store_be<Word>(reinterpret_cast<unsigned char*>(out + l * dsize + w * sizeof(Word)), state[w * lanes + l]);
}

struct CpuFeatures {
    bool avx2 = false;
    bool avx512 = false;
};

CpuFeatures detect_cpu() noexcept {
    CpuFeatures f;
#if defined(__x86_64__)
    // libgcc's and compiler-rt's checks include the OS's XSAVE state (XCR0), not only CPUID.
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.avx512 = f.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl");
#endif
    return f;
}

const CpuFeatures& cpu() noexcept {
    static const CpuFeatures f = detect_cpu();
    return f;
}

bool multi_buffer(HashAlgo algo) noexcept { return algo != HashAlgo::sm3; }

#if defined(__x86_64__)
Engine<std::uint64_t> engine512(HashAlgo algo, HashLevel level) {
    const std::uint64_t* h0 = algo == HashAlgo::sha384 ? kSha384H0 : kSha512H0;
    const std::size_t words = algo == HashAlgo::sha384 ? 6 : 8;
    if (level == HashLevel::avx512) return {sha512_blocks_avx512, kSha512LanesAvx512, h0, words};
    return {sha512_blocks_avx2, kSha512LanesAvx2, h0, words};
}

Engine<std::uint32_t> engine256(HashLevel level) {
    if (level == HashLevel::avx512) return {sha256_blocks_avx512, kSha256LanesAvx512, kSha256H0, 8};
    return {sha256_blocks_avx2, kSha256LanesAvx2, kSha256H0, 8};
}
#endif

void require_supported(HashLevel level) {
    if (!cpu_supports(level))
        throw InputError("hash engine level '" + std::string(to_string(level)) + "' is not supported by this CPU" +
                         (level == HashLevel::avx512 ? " (needs AVX-512 F, BW and VL)" : " (needs AVX2)"));
}

// Calls fn(ptrs, n, out) for consecutive groups of at most `lanes` messages, where next(i) is message
// i's address.
template <class Next, class Fn>
void for_groups(std::size_t count, std::size_t lanes, std::size_t dsize, std::byte* out, Next next, Fn fn) {
    std::array<const unsigned char*, kMaxLanes> ptrs{};
    for (std::size_t first = 0; first < count; first += lanes) {
        const std::size_t n = std::min(lanes, count - first);
        for (std::size_t l = 0; l < n; ++l) ptrs[l] = next(first + l);
        fn(ptrs.data(), n, out + first * dsize);
    }
}

template <class Next>
void hash_all(HashAlgo algo, HashLevel level, std::size_t count, std::size_t len, std::byte* out, Next next) {
    require_supported(level);
    const std::size_t dsize = digest_size(algo);
    if (level == HashLevel::scalar || !multi_buffer(algo)) {
        // OpenSSL, one message at a time, reusing one context.
        Hasher h(algo);
        for (std::size_t i = 0; i < count; ++i) {
            h.update(ByteSpan(reinterpret_cast<const std::byte*>(next(i)), len));
            h.finish(MutableByteSpan(out + i * dsize, dsize));
        }
        return;
    }
#if defined(__x86_64__)
    if (algo == HashAlgo::sha256) {
        const Engine<std::uint32_t> e = engine256(level);
        for_groups(count, e.lanes, dsize, out, next,
                   [&](const unsigned char* const* p, std::size_t n, std::byte* o) { hash_group(e, p, n, len, o); });
    } else {
        const Engine<std::uint64_t> e = engine512(algo, level);
        for_groups(count, e.lanes, dsize, out, next,
                   [&](const unsigned char* const* p, std::size_t n, std::byte* o) { hash_group(e, p, n, len, o); });
    }
#endif
}

// The level CCVM_HASH_ENGINE forces, if any; read once per process.
std::optional<HashLevel> forced_level() {
    static const std::optional<HashLevel> forced = []() -> std::optional<HashLevel> {
        const char* env = std::getenv(kHashEngineEnv);
        if (env == nullptr || *env == '\0' || std::string_view(env) == "auto") return std::nullopt;
        const auto level = parse_hash_level(env);
        if (!level)
            throw InputError(std::string(kHashEngineEnv) + "='" + env +
                             "': unknown hash engine level (use scalar, avx2, "
                             "avx512 or auto)");
        if (!cpu_supports(*level))
            throw InputError(std::string(kHashEngineEnv) + "=" + env + ": this CPU lacks " +
                             (*level == HashLevel::avx512 ? "AVX-512 (F, BW, VL)" : "AVX2") +
                             "; use a level it supports or auto");
        return level;
    }();
    return forced;
}

}  // namespace

std::string_view to_string(HashLevel level) noexcept {
    switch (level) {
        case HashLevel::scalar:
            return "scalar";
        case HashLevel::avx2:
            return "avx2";
        case HashLevel::avx512:
            return "avx512";
    }
    return "unknown";
}

std::optional<HashLevel> parse_hash_level(std::string_view text) noexcept {
    for (HashLevel l : {HashLevel::scalar, HashLevel::avx2, HashLevel::avx512})
        if (text == to_string(l)) return l;
    return std::nullopt;
}

bool cpu_supports(HashLevel level) noexcept {
    switch (level) {
        case HashLevel::scalar:
            return true;
        case HashLevel::avx2:
            return cpu().avx2;
        case HashLevel::avx512:
            return cpu().avx512;
    }
    return false;
}

HashLevel hash_level(HashAlgo algo) {
    if (!multi_buffer(algo)) return HashLevel::scalar;
    if (const auto forced = forced_level()) return *forced;
    // Chosen from bench_hash_engine on an AMD EPYC Zen 4 (AVX-512, SHA-NI), 4 KiB pages per core:
    //  - AVX-512 beats OpenSSL's one-buffer code for every algorithm: about 2.5x for SHA-384/512 and
    //    1.5x for SHA-256, even though OpenSSL's SHA-256 uses the SHA-NI instructions there;
    //  - AVX2 loses to OpenSSL: 0.9x for SHA-384/512 (no 64-bit rotate, so 3 instructions per
    //    rotation) and 0.6x for SHA-256 against SHA-NI.
    // So the default is AVX-512 when present and OpenSSL otherwise; AVX2 stays available through
    // CCVM_HASH_ENGINE=avx2 (tested and exact) for CPUs where it may win, e.g. without SHA-NI.
    if (cpu().avx512) return HashLevel::avx512;
    return HashLevel::scalar;
}

std::size_t hash_lanes(HashAlgo algo, HashLevel level) noexcept {
    if (!multi_buffer(algo) || level == HashLevel::scalar) return 1;
#if defined(__x86_64__)
    if (algo == HashAlgo::sha256) return level == HashLevel::avx512 ? kSha256LanesAvx512 : kSha256LanesAvx2;
    return level == HashLevel::avx512 ? kSha512LanesAvx512 : kSha512LanesAvx2;
#else
    return 1;
#endif
}

void hash_many(HashAlgo algo, HashLevel level, std::span<const ByteSpan> msgs, MutableByteSpan out) {
    const std::size_t dsize = digest_size(algo);
    if (out.size() < msgs.size() * dsize) throw SystemError("internal: hash_many output buffer too small");
    if (msgs.empty()) return;
    const std::size_t len = msgs[0].size();
    for (const ByteSpan& m : msgs)
        if (m.size() != len) throw SystemError("internal: hash_many needs messages of one length");
    hash_all(algo, level, msgs.size(), len, out.data(),
             [&](std::size_t i) { return reinterpret_cast<const unsigned char*>(msgs[i].data()); });
}

void hash_many(HashAlgo algo, std::span<const ByteSpan> msgs, MutableByteSpan out) {
    hash_many(algo, hash_level(algo), msgs, out);
}

void hash_strided(HashAlgo algo, HashLevel level, const std::byte* data, std::size_t stride, std::size_t len,
                  std::size_t count, MutableByteSpan out) {
    if (out.size() < count * digest_size(algo)) throw SystemError("internal: hash_strided output buffer too small");
    if (count > 0 && stride < len) throw SystemError("internal: hash_strided stride shorter than the messages");
    hash_all(algo, level, count, len, out.data(),
             [&](std::size_t i) { return reinterpret_cast<const unsigned char*>(data + i * stride); });
}

}  // namespace ccvm
