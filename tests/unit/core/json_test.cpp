#include <gtest/gtest.h>

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

namespace json = ccvm::json;
using json::parse;
using json::Value;

namespace {

std::string error_of(std::string_view text, bool untrusted = false, json::Limits limits = {}) {
    try {
        if (untrusted)
            json::parse_untrusted(text, "in.json", limits);
        else
            parse(text, "in.json");
    } catch (const ccvm::InputError& e) {
        return e.what();
    }
    return "no error";
}

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

}  // namespace

TEST(Json, ParsesNestedDocumentAndKeepsIntegersExact) {
    Value v = parse(R"({"a": [1, 18446744073709551615, -2, -9223372036854775808], "b": {"c": "x\u00e9\n"},
                        "d": true, "e": null})");
    const auto& a = json::get_array(json::at(v, "a"));
    EXPECT_EQ(json::get_u64(a[1]), 18446744073709551615ull);
    EXPECT_EQ(json::get_i64(a[2]), -2);
    EXPECT_EQ(json::get_i64(a[3]), INT64_MIN);
    EXPECT_EQ(json::get_string(json::at(json::at(v, "b"), "c")), "x\xc3\xa9\n");
    EXPECT_TRUE(json::get_bool(json::at(v, "d")));
    EXPECT_TRUE(json::at(v, "e").is_null());
    EXPECT_EQ(json::find(v, "z"), nullptr);
    EXPECT_EQ(json::dump(v), std::string(R"({"a":[1,18446744073709551615,-2,-9223372036854775808],"b":{"c":")") +
                                 "x\xc3\xa9\\n" + R"("},"d":true,"e":null})");
}

TEST(Json, DumpKeepsInsertionOrderAndTheHouseLayout) {
    Value v = Value::object();
    v["z"] = 1;
    v["a"] = Value::array({"x\x01\"", nullptr, Value::object()});
    v["m"] = Value::array();
    EXPECT_EQ(json::dump(v), R"({"z":1,"a":["x\u0001\"",null,{}],"m":[]})");
    EXPECT_EQ(json::dump(v, true),
              "{\n  \"z\": 1,\n  \"a\": [\n    \"x\\u0001\\\"\",\n    null,\n    {}\n  ],\n"
              "  \"m\": []\n}");
    // Bytes that are not UTF-8 cannot appear in JSON text: they become U+FFFD instead of an exception.
    EXPECT_EQ(json::dump(Value("a\xff")), "\"a\xef\xbf\xbd\"");
    EXPECT_EQ(json::escape("tab\there"), R"("tab\there")");
}

TEST(Json, ErrorsNameSourceLineAndColumn) {
    const std::string e = error_of("{\n  \"a\": [1,\n  }");
    EXPECT_EQ(e.rfind("in.json:3:3: ", 0), 0u) << e;
    EXPECT_NE(e.find("unexpected '}'"), std::string::npos) << e;
    EXPECT_EQ(error_of("{\"a\":1} x").rfind("in.json:1:9: ", 0), 0u);
    // nlohmann's "last read" echo of raw input is not repeated.
    const std::string c = error_of("\"\x1b[31m");
    EXPECT_EQ(c.find('\x1b'), std::string::npos) << c;
    EXPECT_EQ(c.find("last read"), std::string::npos) << c;
}

TEST(Json, RejectsHostileInput) {
    EXPECT_THROW(parse(std::string(1000, '[')), ccvm::InputError);
    EXPECT_THROW(parse("\"abc"), ccvm::InputError);
    EXPECT_THROW(parse("01x"), ccvm::InputError);
    EXPECT_THROW(parse("{\"a\":1} x"), ccvm::InputError);
    EXPECT_THROW(parse("\"\\ud800\""), ccvm::InputError);
    EXPECT_THROW(parse("\"\xff\""), ccvm::InputError);
    EXPECT_THROW(parse(""), ccvm::InputError);
}

TEST(Json, NestingIsCapped) {
    EXPECT_NO_THROW(parse(nested(128)));
    EXPECT_EQ(error_of(nested(129)), "in.json:1:129: nesting deeper than 128");
    EXPECT_NO_THROW(json::parse_untrusted(nested(64), "in.json"));
    EXPECT_EQ(error_of(nested(65), true), "in.json:1:65: nesting deeper than 64");
    EXPECT_EQ(error_of("{\"a\": {\"b\": [1]}}", true, {.max_depth = 2}), "in.json:1:13: nesting deeper than 2");
}

TEST(Json, UntrustedInputRejectsDuplicateKeys) {
    const std::string text = "{\"a\": 1,\n \"b\": {\"a\": 2}, \"a\": 3}";
    EXPECT_EQ(json::get_u64(json::at(parse(text), "a")), 3u);  // trusted input: the last one wins
    EXPECT_EQ(error_of(text, true), "in.json:2:19: duplicate JSON key \"a\"");
    // The same key in different objects is fine.
    EXPECT_NO_THROW(json::parse_untrusted("{\"a\": {\"a\": {\"a\": 1}}}", "in.json"));
    // The key is shown escaped: it is caller input.
    EXPECT_EQ(error_of("{\"\\u001b\": 1, \"\\u001b\": 2}", true), "in.json:1:22: duplicate JSON key \"\\x1b\"");
}

TEST(Json, ObjectsOfManyKeysAreIndexed) {
    // 100000 distinct keys (about what a 1 MiB request body holds) and then a repeat of the first:
    // found without comparing every key with every other one.
    std::string text = "{";
    for (int i = 0; i < 100000; ++i) text.append("\"k").append(std::to_string(i)).append("\":0,");
    text.append("\"k0\":1}");
    const json::Value trusted = parse(text);
    EXPECT_EQ(json::get_object(trusted).size(), 100000u);
    EXPECT_EQ(json::get_u64(json::at(trusted, "k0")), 1u);
    EXPECT_EQ(json::get_u64(json::at(trusted, "k99999")), 0u);
    EXPECT_EQ(error_of(text, true), "in.json:1:" + std::to_string(text.size() - 3) + ": duplicate JSON key \"k0\"");
}

TEST(Json, RawMembersAreTheSourceBytes) {
    const std::string text =
        " {\"tcbInfo\" : {\"id\":\"\\u0054DX\", \"n\" : [1, 2.50, {}]} ,\n\"s\": \"x\", \"l\":[ ] }";
    const json::Document doc = json::parse_untrusted_document(text, "tcb.json");
    ASSERT_EQ(doc.raw_members.size(), 2u);
    EXPECT_EQ(doc.raw_members[0].key, "tcbInfo");
    EXPECT_EQ(doc.raw_members[0].text, R"({"id":"\u0054DX", "n" : [1, 2.50, {}]})");
    EXPECT_EQ(doc.raw_members[1].key, "l");
    EXPECT_EQ(doc.raw_members[1].text, "[ ]");
    EXPECT_EQ(json::get_string(json::at(json::at(doc.value, "tcbInfo"), "id")), "TDX");
}

TEST(Json, TypedAccessorsNameTheField) {
    EXPECT_EQ(json::get_u64(parse("\"0x80000000\"")), 0x80000000u);
    EXPECT_EQ(json::get_u64(parse("\"4096\"")), 4096u);
    EXPECT_EQ(json::get_u64(Value(7)), 7u);
    auto message = [](auto f) -> std::string {
        try {
            f();
        } catch (const ccvm::InputError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_EQ(message([] { json::get_u64(parse("\"zz\""), "ipa"); }), "ipa: expected an unsigned 64-bit integer");
    EXPECT_EQ(message([] { json::get_u64(parse("-1"), "ipa"); }), "ipa: expected an unsigned 64-bit integer");
    EXPECT_EQ(message([] { json::get_u64(parse("1.5"), "ipa"); }), "ipa: expected an unsigned 64-bit integer");
    EXPECT_EQ(message([] { json::get_u64(parse("true"), "ipa"); }), "ipa: expected an unsigned integer");
    EXPECT_EQ(message([] { json::get_i64(parse("9223372036854775808"), "n"); }), "n: expected a 64-bit integer");
    EXPECT_EQ(message([] { json::get_string(parse("1"), "name"); }), "name: expected a string");
    EXPECT_EQ(message([] { json::at(parse("{}"), "vcpus"); }), "missing key 'vcpus'");
    EXPECT_EQ(json::find(parse("[1]"), "a"), nullptr);
}
