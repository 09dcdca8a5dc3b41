// The multi-buffer SHA-2 engine against OpenSSL's one-buffer digests, for every algorithm and every
// level this CPU can run: random messages of each padding length class, 1..3N+1 messages per call (so
// full groups, partial groups and spare lanes are all exercised), and hash_chunks over a whole image.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

using namespace ccvm;

namespace {

struct Case {
    HashAlgo algo;
    HashLevel level;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
    return std::string(to_string(info.param.algo)) + "_" + std::string(to_string(info.param.level));
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (HashAlgo a : {HashAlgo::sha256, HashAlgo::sha384, HashAlgo::sha512})
        for (HashLevel l : {HashLevel::scalar, HashLevel::avx2, HashLevel::avx512}) cases.push_back({a, l});
    return cases;
}

// Lengths around every padding boundary: FIPS 180-4 §5.1.1 (SHA-256: 55 bytes is the longest tail
// that fits one block with its 1 bit and 64-bit length) and §5.1.2 (SHA-384/512: 111 bytes, 128-bit
// length), block multiples, a 4 KiB page and multi-block lengths.
const std::size_t kLengths[] = {0,   1,   2,   55,  56,  57,  63,  64,  65,   111,  112,  113,  119,
                                120, 127, 128, 129, 191, 192, 255, 256, 1000, 4095, 4096, 4097, 8192};

class HashEngineTest : public testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (!cpu_supports(GetParam().level))
            GTEST_SKIP() << "this CPU lacks hash engine level " << to_string(GetParam().level);
    }
};

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = std::byte(static_cast<std::uint8_t>(rng()));
    return b;
}

}  // namespace

TEST_P(HashEngineTest, EveryLengthClassAndLaneCountMatchesOpenSsl) {
    const auto [algo, level] = GetParam();
    const std::size_t lanes = hash_lanes(algo, level);
    const std::size_t dsize = digest_size(algo);
    std::mt19937_64 rng(0x5eed0000 + static_cast<unsigned>(algo) * 16 + static_cast<unsigned>(level));
    for (std::size_t len : kLengths) {
        for (std::size_t count = 1; count <= 3 * lanes + 1; ++count) {
            std::vector<Bytes> msgs;
            std::vector<ByteSpan> spans;
            for (std::size_t i = 0; i < count; ++i) msgs.push_back(random_bytes(rng, len));
            for (const Bytes& m : msgs) spans.emplace_back(m);
            Bytes out(count * dsize);
            hash_many(algo, level, spans, out);
            for (std::size_t i = 0; i < count; ++i) {
                ASSERT_EQ(to_hex(ByteSpan(out).subspan(i * dsize, dsize)), to_hex(hash(algo, msgs[i])))
                    << "length " << len << ", message " << i << " of " << count;
            }
        }
    }
}

TEST_P(HashEngineTest, StridedPagesWithGapsMatchOpenSsl) {
    // Messages that are not packed back to back (stride > length), as the CCA granule view hands out.
    const auto [algo, level] = GetParam();
    std::mt19937_64 rng(42);
    const Bytes data = random_bytes(rng, 37 * 4100);
    const std::size_t dsize = digest_size(algo);
    Bytes out(37 * dsize);
    hash_strided(algo, level, data.data(), 4100, 4096, 37, out);
    for (std::size_t i = 0; i < 37; ++i)
        ASSERT_EQ(to_hex(ByteSpan(out).subspan(i * dsize, dsize)),
                  to_hex(hash(algo, ByteSpan(data).subspan(i * 4100, 4096))))
            << "message " << i;
}

TEST_P(HashEngineTest, KnownAnswerAbc) {
    // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values"), message "abc", hashed in
    // every lane at once.
    const auto [algo, level] = GetParam();
    const std::string expected =
        algo == HashAlgo::sha256 ? "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        : algo == HashAlgo::sha384
            ? "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
            : "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423"
              "643ce80e2a9ac94fa54ca49f";
    const std::size_t lanes = hash_lanes(algo, level);
    const std::vector<ByteSpan> msgs(lanes, as_bytes("abc"));
    const std::size_t dsize = digest_size(algo);
    Bytes out(lanes * dsize);
    hash_many(algo, level, msgs, out);
    for (std::size_t i = 0; i < lanes; ++i)
        EXPECT_EQ(to_hex(ByteSpan(out).subspan(i * dsize, dsize)), expected) << "lane " << i;
}

INSTANTIATE_TEST_SUITE_P(Levels, HashEngineTest, testing::ValuesIn(all_cases()), case_name);

TEST(HashEngine, ChunksWithShortLastChunkMatchOpenSsl) {
    // hash_chunks at the default level (or CCVM_HASH_ENGINE's) on several threads: whole chunks go
    // through the lanes, the short last one and SM3 through OpenSSL.
    std::mt19937_64 rng(7);
    const Bytes data = random_bytes(rng, (1u << 20) + 4096 * 3 + 100);
    for (HashAlgo algo : {HashAlgo::sha256, HashAlgo::sha384, HashAlgo::sha512, HashAlgo::sm3}) {
        const std::size_t dsize = digest_size(algo);
        const std::size_t n = (data.size() + 4095) / 4096;
        Bytes out(n * dsize);
        hash_chunks(algo, data, 4096, out, 3);
        for (std::size_t i = 0; i < n; ++i) {
            const ByteSpan chunk =
                ByteSpan(data).subspan(i * 4096, std::min<std::size_t>(4096, data.size() - i * 4096));
            ASSERT_EQ(to_hex(ByteSpan(out).subspan(i * dsize, dsize)), to_hex(hash(algo, chunk)))
                << to_string(algo) << " chunk " << i;
        }
    }
}

TEST(HashEngine, UnsupportedLevelIsRefused) {
    for (HashLevel l : {HashLevel::avx2, HashLevel::avx512}) {
        if (cpu_supports(l)) continue;
        const Bytes m(64);
        const ByteSpan msgs[] = {m};
        Bytes out(64);
        EXPECT_THROW(hash_many(HashAlgo::sha512, l, msgs, out), InputError) << to_string(l);
    }
    EXPECT_EQ(hash_lanes(HashAlgo::sm3, HashLevel::avx512), 1u);
    EXPECT_EQ(parse_hash_level("avx512"), HashLevel::avx512);
    EXPECT_EQ(parse_hash_level("AVX512"), std::nullopt);
}

TEST(HashEngine, CliRejectsUnknownOrUnavailableLevelWithExitCode2) {
    // The level is checked when the first digest is taken, i.e. by any measurement.
    const std::vector<std::string> argv = {test::ccvm_cli().string(),
                                           "measure",
                                           "--mode",
                                           "snp",
                                           "--vcpus",
                                           "1",
                                           "--vcpu-type",
                                           "EPYC-v4",
                                           "--ovmf",
                                           test::substitute("@inputs/firmware/debian12/OVMF.fd")};
    const auto bad = test::run_process(argv, {{"CCVM_HASH_ENGINE", "avx1024"}});
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_NE(bad.err.find("CCVM_HASH_ENGINE='avx1024': unknown hash engine level"), std::string::npos) << bad.err;
    for (HashLevel l : {HashLevel::avx2, HashLevel::avx512}) {
        if (cpu_supports(l)) continue;
        const auto r = test::run_process(argv, {{"CCVM_HASH_ENGINE", std::string(to_string(l))}});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find("this CPU lacks"), std::string::npos) << r.err;
    }
    // Every level the CPU has gives the vector's digest (sev_measure.json, snp-qemu-deb-EPYC-v4-1).
    for (const char* l : {"scalar", "avx2", "avx512", "auto"}) {
        if (const auto level = parse_hash_level(l); level && !cpu_supports(*level)) continue;
        const auto r = test::run_process(argv, {{"CCVM_HASH_ENGINE", l}});
        EXPECT_EQ(r.exit_code, 0) << l << ": " << r.err;
        EXPECT_EQ(r.out,
                  "11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3\n")
            << l;
    }
}
