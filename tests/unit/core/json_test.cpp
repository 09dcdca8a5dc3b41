#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

using ccvm::json::parse;
using ccvm::json::Value;

TEST(Json, ParsesNestedDocumentAndKeepsIntegerText) {
    Value v = parse(R"({"a": [1, 18446744073709551615, -2], "b": {"c": "x\u00e9\n"}, "d": true, "e": null})");
    EXPECT_EQ(v.at("a").as_array()[1].as_u64(), 18446744073709551615ull);
    EXPECT_EQ(v.at("a").as_array()[2].as_i64(), -2);
    EXPECT_EQ(v.at("b").at("c").as_string(), "x\xc3\xa9\n");
    EXPECT_TRUE(v.at("d").as_bool());
    EXPECT_TRUE(v.at("e").is_null());
    EXPECT_EQ(v.dump(), std::string(R"({"a":[1,18446744073709551615,-2],"b":{"c":")") + "x\xc3\xa9\\n" +
                            R"("},"d":true,"e":null})");
}

TEST(Json, ErrorsNameLineAndColumn) {
    try {
        parse("{\n  \"a\": [1,\n  }", "plan.json");
        FAIL() << "expected an error";
    } catch (const ccvm::InputError& e) {
        EXPECT_STREQ(e.what(), "plan.json:3:3: unexpected character '}'");
    }
}

TEST(Json, RejectsHostileInput) {
    EXPECT_THROW(parse(std::string(1000, '[')), ccvm::InputError);
    EXPECT_THROW(parse("\"abc"), ccvm::InputError);
    EXPECT_THROW(parse("01x"), ccvm::InputError);
    EXPECT_THROW(parse("{\"a\":1} x"), ccvm::InputError);
    EXPECT_THROW(parse("\"\\ud800\""), ccvm::InputError);
}

TEST(Json, HexStringsConvertToIntegers) {
    EXPECT_EQ(parse("\"0x80000000\"").as_u64(), 0x80000000u);
    EXPECT_THROW(parse("\"zz\"").as_u64("ipa"), ccvm::InputError);
}
