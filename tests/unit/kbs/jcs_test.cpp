// RFC 8785 canonical JSON against the RFC's own examples.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "ccvm/base/error.hpp"
#include "ccvm/kbs/jcs.hpp"

namespace ccvm::kbs {
namespace {

double from_bits(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

// RFC 8785 section 3.2.2 (whole-document example).
TEST(Jcs, Rfc8785Section322Example) {
    const auto in = nlohmann::json::parse(R"({
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
    })");
    EXPECT_EQ(jcs(in),
              "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
              "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: names sort by UTF-16 code units, so the emoji (a surrogate pair starting
// 0xD83D) sorts before U+FB33 although its code point is larger.
TEST(Jcs, Rfc8785Section323SortOrder) {
    const auto in = nlohmann::json::parse(R"({
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
    })");
    const std::string out = jcs(in);
    std::vector<std::string> values;
    for (std::size_t p = 0; (p = out.find(":\"", p)) != std::string::npos; p += 2)
        values.push_back(out.substr(p + 2, out.find('"', p + 2) - p - 2));
    EXPECT_EQ(values,
              (std::vector<std::string>{"Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis",
                                        "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"}));
}

// RFC 8785 appendix B: IEEE-754 bit patterns and their canonical text.
TEST(Jcs, Rfc8785AppendixBNumbers) {
    const std::pair<std::uint64_t, const char*> cases[] = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& [bits, text] : cases) EXPECT_EQ(jcs(nlohmann::json(from_bits(bits))), text) << std::hex << bits;
    // Integers parse as integers in nlohmann::json and must print as the same doubles.
    EXPECT_EQ(jcs(nlohmann::json::parse("[1, -7, 100000000000000000000000, 9007199254740993]")),
              "[1,-7,1e+23,9007199254740992]");
}

TEST(Jcs, RefusesNonFiniteAndBrokenUtf8) {
    EXPECT_THROW(jcs(nlohmann::json(from_bits(0x7ff8000000000000))), InputError);  // NaN
    EXPECT_THROW(jcs(nlohmann::json(from_bits(0x7ff0000000000000))), InputError);  // +Infinity
    EXPECT_THROW(jcs(nlohmann::json(std::string("\xff"))), InputError);
}

TEST(Jcs, NestedObjectsAndEscapes) {
    const auto in = nlohmann::json::parse(R"({"b":{"z":1,"a":[{"y":"\u0001\b"}]},"a":""})");
    EXPECT_EQ(jcs(in), R"({"a":"","b":{"a":[{"y":"\u0001\b"}],"z":1}})");
}

}  // namespace
}  // namespace ccvm::kbs
