// Initdata (Trustee kbs/docs/initdata.md): the TOML subset reader, digests checked against Python's
// hashlib and tomllib (independent implementations), the binding per family, and its errors.
#include "ccvm/platform/initdata.hpp"

#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "platform_test_util.hpp"

namespace ccvm::platform {
namespace {

// The TOML example of initdata.md "TOML version" (shortened policy), with CRLF-free LF endings.
const std::string kTrusteeExample =
    "algorithm = \"sha384\"\n"
    "version = \"0.1.0\"\n"
    "\n"
    "[data]\n"
    "\"attestation-agent.json\" = '''\n"
    "{\n"
    "\"kbs_addr\": \"http://172.18.0.1:8080\"\n"
    "}\n"
    "'''\n"
    "\n"
    "\"policy.rego\" = '''\n"
    "package agent_policy\n"
    "\n"
    "default CopyFileRequest := false\n"
    "default WriteStreamRequest := false'''\n";

// Python's view of `file`: "<hex digest>\n" then, per [data] key in sorted order, "key=<json value>".
std::string python_view(const std::filesystem::path& file, const std::string& algorithm) {
    const std::string code =
        "import hashlib, json, sys, tomllib\n"
        "raw = open(sys.argv[1], 'rb').read()\n"
        "doc = tomllib.loads(raw.decode())\n"
        "print(hashlib.new(sys.argv[2], raw).hexdigest())\n"
        "for k in sorted(doc['data']): print(k + '=' + json.dumps(doc['data'][k]))\n";
    const auto r = test::run_process({"/usr/bin/python3", "-c", code, file.string(), algorithm});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

std::string our_view(const Initdata& doc) {
    std::string out = to_hex(initdata_digest(doc)) + "\n";
    for (const auto& [key, value] : doc.data) {
        std::string quoted = "\"";
        for (char c : value) {
            if (c == '\n')
                quoted += "\\n";
            else if (c == '"')
                quoted += "\\\"";
            else if (c == '\\')
                quoted += "\\\\";
            else if (c == '\t')
                quoted += "\\t";
            else
                quoted += c;
        }
        out += key + "=" + quoted + "\"\n";
    }
    return out;
}

TEST(Initdata, TrusteeExampleParsesAndHashesAsPythonDoes) {
    test::TempDir dir;
    for (const char* algo : {"sha256", "sha384", "sha512"}) {
        std::string text = kTrusteeExample;
        text.replace(text.find("sha384"), 6, algo);
        const auto file = dir.write(std::string(algo) + ".toml", text);
        const Initdata doc = load_initdata(file);
        EXPECT_EQ(doc.version, "0.1.0");
        EXPECT_EQ(initdata_algorithm_name(doc.algorithm), algo);
        ASSERT_EQ(doc.data.size(), 2u);
        EXPECT_EQ(doc.data.at("attestation-agent.json"), "{\n\"kbs_addr\": \"http://172.18.0.1:8080\"\n}\n");
        EXPECT_EQ(doc.data.at("policy.rego"),
                  "package agent_policy\n\ndefault CopyFileRequest := false\ndefault WriteStreamRequest := false");
        EXPECT_EQ(initdata_digest(doc).size(), std::string(algo) == "sha256" ? 32u : algo[4] == '8' ? 48u : 64u);
        EXPECT_EQ(our_view(doc), python_view(file, algo)) << algo;
    }
}

TEST(Initdata, StringFormsAgreeWithPython) {
    // Every string form of TOML 1.0 the reader takes, escapes and quote runs included.
    const std::string text =
        "# comment\r\n"
        "version = '0.1.0'  # trailing comment\n"
        "algorithm = \"sha256\"\n"
        "other = \"ignored\"\n"
        "[ data ]\n"
        "bare-key_1 = \"tab\\tquote\\\" backslash\\\\ e\\u00e9 \\U0001F600\"\n"
        "'literal key' = 'C:\\path\\no\\escape'\n"
        "ml = \"\"\"\n  first \\\n    joined\nquotes \"\" \"\"\"\"\n"
        "ml2 = '''two quotes at end'' '''\n"
        "empty = \"\"\n";
    test::TempDir dir;
    const auto file = dir.write("forms.toml", text);
    const Initdata doc = load_initdata(file);
    EXPECT_EQ(doc.data.at("ml"), "  first joined\nquotes \"\" \"");
    EXPECT_EQ(doc.data.at("literal key"), "C:\\path\\no\\escape");
    EXPECT_EQ(doc.data.at("empty"), "");
    // Python prints non-ASCII as \uXXXX escapes in JSON; compare the ASCII-only keys and the digest.
    const std::string py = python_view(file, "sha256");
    EXPECT_EQ(py.substr(0, 65), to_hex(initdata_digest(doc)) + "\n");
    EXPECT_NE(py.find("ml=\"  first joined\\nquotes \\\"\\\" \\\"\"\n"), std::string::npos) << py;
    EXPECT_NE(py.find("ml2=\"two quotes at end'' \"\n"), std::string::npos) << py;
    EXPECT_EQ(doc.data.at("ml2"), "two quotes at end'' ");
    EXPECT_EQ(doc.data.at("bare-key_1"), "tab\tquote\" backslash\\ e\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(Initdata, ErrorsNameFileAndLine) {
    struct Case {
        std::string text;
        std::string error;
    };
    const std::string head = "version = \"0.1.0\"\nalgorithm = \"sha384\"\n";
    const Case cases[] = {
        {"version = \"0.1.0\"\nalgorithm = \"md5\"\n[data]\n",
         "i.toml:2: algorithm 'md5' is not one of sha256, sha384, sha512"},
        {head + "[data]\nk = 1\n", "i.toml:4: value of 'k' must be a string (initdata values are strings)"},
        {head + "[data]\nk = \"a\"\nk = \"b\"\n", "i.toml:5: key 'k' is defined twice in [data]"},
        {head + "[other]\n", "i.toml:3: table [other] is not part of initdata (only [data])"},
        {head + "[[data]]\n", "i.toml:3: arrays of tables are not part of initdata"},
        {head + "[data]\na.b = \"x\"\n", "i.toml:4: dotted key 'a.' is not supported in initdata"},
        {head + "[data]\nk = \"open\n", "i.toml:4: unterminated string"},
        {head + "[data]\nk = '''\nnever closed\n", "i.toml:6: unterminated multi-line string"},
        {head + "[data]\nk = \"\\q\"\n", "i.toml:4: unknown escape '\\q'"},
        {head + "[data]\nk = \"\\uD800\"\n", "i.toml:4: escape is not a Unicode scalar value"},
        {head + "[data]\nk = \"a\" junk\n", "i.toml:4: unexpected 'j' after the value (one key per line)"},
        {head + "[data]\nk = \"a\x01\"\n", "i.toml:4: control character \\x01 (escape it as \\uXXXX)"},
        {head, "i.toml:3: missing the [data] table"},
        {"algorithm = \"sha384\"\n[data]\n",
         "i.toml:3: missing 'version' (initdata 0.1.0 documents set version = \"0.1.0\")"},
        {head + "[data]\n[data]\n", "i.toml:4: table [data] is defined twice"},
        {head + "data = \"x\"\n", "i.toml:3: data must be a table ([data])"},
    };
    for (const Case& c : cases) {
        try {
            parse_initdata(c.text, "i.toml");
            ADD_FAILURE() << "accepted: " << c.text;
        } catch (const InputError& e) {
            EXPECT_EQ(std::string(e.what()), c.error) << c.text;
        }
    }
    EXPECT_THROW(parse_initdata(std::string(kMaxInitdataBytes + 1, '#'), "big.toml"), InputError);
}

TEST(Initdata, BindingIsTruncatedOrZeroPadded) {
    Bytes digest(48);
    for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = std::byte(i + 1);
    const Bytes snp = fit_initdata_digest(digest, *initdata_field_size(TeeKind::sev_snp));
    const Bytes cca = fit_initdata_digest(digest, *initdata_field_size(TeeKind::cca));
    ASSERT_EQ(snp.size(), 32u);
    ASSERT_EQ(cca.size(), 64u);
    EXPECT_TRUE(std::equal(snp.begin(), snp.end(), digest.begin()));
    EXPECT_TRUE(std::equal(digest.begin(), digest.end(), cca.begin()));
    for (std::size_t i = 48; i < 64; ++i) EXPECT_EQ(cca[i], std::byte{0});
    EXPECT_EQ(fit_initdata_digest(digest, *initdata_field_size(TeeKind::tdx)), digest);
    EXPECT_FALSE(initdata_field_size(TeeKind::sev));
    EXPECT_FALSE(initdata_field_size(TeeKind::csv3));
}

TEST(Initdata, DefaultNamesTheVmAndTheBroker) {
    const std::string text = default_initdata("vm-1", "http://192.0.2.1:8080");
    test::TempDir dir;
    const auto file = dir.write("d.toml", text);
    const Initdata doc = load_initdata(file);
    EXPECT_EQ(doc.algorithm, InitdataAlgorithm::sha384);
    EXPECT_EQ(doc.data.at("ccvm.vm"), "vm-1");
    EXPECT_EQ(doc.data.at("aa.toml"), "[token_configs]\n[token_configs.kbs]\nurl = \"http://192.0.2.1:8080\"\n");
    EXPECT_EQ(doc.data.at("cdh.toml"), "[kbc]\nname = \"cc_kbc\"\nurl = \"http://192.0.2.1:8080\"\n");
    EXPECT_EQ(our_view(doc), python_view(file, "sha384"));
    EXPECT_NE(initdata_digest(doc),
              initdata_digest(parse_initdata(default_initdata("vm-2", "http://192.0.2.1:8080"), "x")));
    for (const char* bad : {"ftp://h", "http://h/'''", "http://a b", "http://h\"", "http://h\\x"}) {
        try {
            default_initdata("vm", bad);
            ADD_FAILURE() << bad;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("expected http://HOST:PORT"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace ccvm::platform
