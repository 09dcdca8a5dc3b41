#include <gtest/gtest.h>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/firmware-measure/hash.hpp"

using namespace ccvm;

TEST(Encoding, HexRoundTrip) {
    Bytes b = from_hex("00ff10Ab");
    EXPECT_EQ(to_hex(b), "00ff10ab");
    EXPECT_THROW(from_hex("abc"), InputError);
    EXPECT_THROW(from_hex("zz"), InputError);
}

TEST(Encoding, Base64RoundTripAllPaddings) {
    EXPECT_EQ(to_base64(as_bytes("f")), "Zg==");
    EXPECT_EQ(to_base64(as_bytes("fo")), "Zm8=");
    EXPECT_EQ(to_base64(as_bytes("foo")), "Zm9v");
    EXPECT_EQ(as_chars(from_base64("Zm9vYg==")), "foob");
    EXPECT_THROW(from_base64("Zm9vYg="), InputError);
    EXPECT_THROW(from_base64("Zm9v!g=="), InputError);
}

TEST(Guid, BytesLeEncodingMatchesSpecExample) {
    // EFI GUID byte order (UEFI spec, Appendix A): 9438d606-4f22-4cc9-b479-a793d411fd21 -> 06 d6 38 94 22 4f c9 4c b4
    // 79 ...
    Guid g = Guid::parse("9438d606-4f22-4cc9-b479-a793d411fd21");
    EXPECT_EQ(to_hex(g.bytes), "06d63894224fc94cb479a793d411fd21");
    EXPECT_EQ(g.to_string(), "9438d606-4f22-4cc9-b479-a793d411fd21");
    EXPECT_THROW(Guid::parse("9438d606-4f22-4cc9-b479"), InputError);
}

TEST(Bytes, LoadLeIsBoundsChecked) {
    Bytes b = from_hex("0102030405060708");
    EXPECT_EQ(load_le<std::uint32_t>(b, 4), 0x08070605u);
    EXPECT_THROW(load_le<std::uint32_t>(b, 5, "footer"), InputError);
    EXPECT_THROW(load_le<std::uint64_t>(b, SIZE_MAX - 2), InputError);
}

TEST(Hash, KnownAnswers) {
    EXPECT_EQ(to_hex(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha384(as_bytes(""))),
              "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    EXPECT_EQ(to_hex(sm3(as_bytes("abc"))), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Hash, ParallelChunksEqualSerialHashes) {
    Bytes data(3 * 1024 * 1024 + 123);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::byte(static_cast<std::uint8_t>(i * 7 + 3));
    const std::size_t n = (data.size() + 4095) / 4096;
    Bytes par(n * 48);
    hash_chunks(HashAlgo::sha384, data, 4096, par, 4);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t len = std::min<std::size_t>(4096, data.size() - i * 4096);
        auto d = sha384(ByteSpan(data).subspan(i * 4096, len));
        ASSERT_TRUE(std::equal(d.begin(), d.end(), par.begin() + static_cast<std::ptrdiff_t>(i * 48))) << "chunk " << i;
    }
}
