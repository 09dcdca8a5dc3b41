// The CBOR reader and head encoder against RFC 8949 Appendix A examples and hostile input.
#include <gtest/gtest.h>

#include "ccvm/attestation/cca/cbor.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::cca {
namespace {

CborItem decode_hex(std::string_view hex, Bytes& storage) {
    storage = from_hex(hex);
    return decode_cbor(storage, "test");
}

TEST(Cbor, Rfc8949Integers) {
    Bytes b;
    const std::pair<const char*, std::int64_t> cases[] = {
        {"00", 0},  {"17", 23},     {"1818", 24},      {"1903e8", 1000},        {"1b000000e8d4a51000", 1000000000000},
        {"20", -1}, {"3863", -100}, {"3903e7", -1000}, {"1a000f4240", 1000000},
    };
    for (const auto& [hex, value] : cases) EXPECT_EQ(decode_hex(hex, b).as_int("n"), value) << hex;
    const CborItem max = decode_hex("1bffffffffffffffff", b);
    EXPECT_EQ(max.value, 18446744073709551615ull);
    EXPECT_THROW(max.as_int("n"), InputError);
    EXPECT_THROW(decode_hex("3bffffffffffffffff", b).as_int("n"), InputError);
}

TEST(Cbor, Rfc8949StringsArraysMapsTags) {
    Bytes b;
    EXPECT_EQ(to_hex(decode_hex("4401020304", b).as_bytes("b")), "01020304");
    EXPECT_TRUE(decode_hex("40", b).as_bytes("b").empty());
    EXPECT_EQ(decode_hex("6449455446", b).as_text("t"), "IETF");
    EXPECT_EQ(decode_hex("62c3bc", b).as_text("t"), "\xc3\xbc");

    const CborItem nested = decode_hex("8301820203820405", b);  // [1, [2, 3], [4, 5]]
    ASSERT_EQ(nested.as_array("a").size(), 3u);
    EXPECT_EQ(nested.items[1].items[1].as_int("n"), 3);
    EXPECT_EQ(nested.items[2].encoded.size(), 3u);
    EXPECT_EQ(nested.items[2].offset, 5u);

    const CborItem map = decode_hex("a201020304", b);  // {1: 2, 3: 4}
    ASSERT_NE(map.find(3, "m"), nullptr);
    EXPECT_EQ(map.find(3, "m")->as_int("v"), 4);
    EXPECT_EQ(map.find(2, "m"), nullptr);
    EXPECT_THROW(decode_hex("a20102", b), InputError);                   // count exceeds the input
    EXPECT_THROW(decode_hex("a201020103", b).find(1, "m"), InputError);  // duplicate key

    const CborItem tag = decode_hex("c11a514b67b0", b);  // 1(1363896240)
    EXPECT_EQ(tag.type, CborType::tag);
    EXPECT_EQ(tag.value, 1u);
    EXPECT_EQ(tag.items.at(0).as_int("t"), 1363896240);

    EXPECT_EQ(decode_hex("f4", b).value, 20u);  // false
    EXPECT_EQ(decode_hex("f6", b).value, 22u);  // null
    EXPECT_EQ(decode_hex("f93c00", b).type, CborType::floating);
    EXPECT_EQ(decode_hex("fb3ff199999999999a", b).type, CborType::floating);
}

TEST(Cbor, TypeMismatchNamesOffset) {
    Bytes b;
    const CborItem arr = decode_hex("820140", b);
    try {
        (void)arr.items[1].as_text("claim 7");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("claim 7"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("offset 2"), std::string::npos);
    }
}

TEST(Cbor, HostileInputIsRefused) {
    Bytes b;
    for (const char* hex : {
             "",                    // nothing
             "5f42010243030405ff",  // indefinite byte string
             "9fff",                // indefinite array
             "ff",                  // stray break
             "1c",                  // reserved additional information
             "19ff",                // truncated argument
             "45010203",            // string runs past the end
             "9bffffffffffffffff",  // array count far beyond the input
             "bbffffffffffffffff",  // map count far beyond the input
             "0000",                // trailing bytes
             "d8",                  // truncated tag
         })
        EXPECT_THROW(decode_hex(hex, b), InputError) << hex;
    std::string deep(2 * (kMaxCborDepth + 2), '8');
    for (std::size_t i = 1; i < deep.size(); i += 2) deep[i] = '1';  // [[[[...]]]]
    deep += "00";
    EXPECT_THROW(decode_hex(deep, b), InputError);
}

TEST(Cbor, HeadEncodingIsShortestForm) {
    const std::pair<std::uint64_t, const char*> cases[] = {
        {0, "00"},
        {23, "17"},
        {24, "1818"},
        {1000, "1903e8"},
        {1000000, "1a000f4240"},
        {1000000000000, "1b000000e8d4a51000"},
    };
    for (const auto& [value, hex] : cases) {
        Bytes out;
        encode_cbor_head(out, 0, value);
        EXPECT_EQ(to_hex(out), hex);
    }
    Bytes out;
    encode_cbor_text(out, "IETF");
    encode_cbor_bytes(out, from_hex("01020304"));
    EXPECT_EQ(to_hex(out), "64494554464401020304");
}

}  // namespace
}  // namespace ccvm::attestation::cca
