// Runs every case of one reference-vector file (tests/data/vectors/*.json, schema ccvm-cli-cases/1)
// through the real ccvm binary and checks exit status and output as the vector README specifies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

namespace {

namespace json = ccvm::json;
using ccvm::json::Value;

// ctest's SKIP_RETURN_CODE for these tests (tests/CMakeLists.txt).
constexpr int kSkipExitCode = 77;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string rstrip_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// Follows a dotted path: object members, numeric segments index arrays.
const Value* lookup(const Value& root, const std::string& path) {
    const Value* cur = &root;
    std::size_t start = 0;
    while (cur != nullptr && start <= path.size()) {
        std::size_t dot = path.find('.', start);
        std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (cur->is_array() && !seg.empty() && std::all_of(seg.begin(), seg.end(), ::isdigit)) {
            std::size_t idx = std::stoul(seg);
            const auto& arr = json::get_array(*cur);
            cur = idx < arr.size() ? &arr[idx] : nullptr;
        } else {
            cur = json::find(*cur, seg);
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return cur;
}

class CaseTest : public testing::Test {
public:
    explicit CaseTest(Value c) : case_(std::move(c)) {}

    void TestBody() override {
        std::vector<std::string> argv{ccvm::test::ccvm_cli().string()};
        for (const Value& a : json::get_array(json::at(case_, "argv")))
            argv.push_back(ccvm::test::substitute(json::get_string(a)));
        // The shared fixtures (TEK/TIK/secret files) are read-only and world-readable by construction;
        // ccvm refuses such secret files unless told they are test fixtures.
        auto r = ccvm::test::run_process(argv, {{"CCVM_ALLOW_READABLE_SECRETS", "1"}});
        std::string cmdline;
        for (std::size_t i = 1; i < argv.size(); ++i) cmdline += " " + argv[i];
        SCOPED_TRACE("ccvm" + cmdline + "\nstdout: " + r.out + "\nstderr: " + r.err);

        const Value& want_exit = json::at(case_, "exit_code");
        if (want_exit.is_string()) {
            EXPECT_NE(r.exit_code, 0) << "expected a non-zero exit status";
        } else {
            EXPECT_EQ(r.exit_code, json::get_i64(want_exit));
        }
        const Value& expect = json::at(case_, "expect");
        if (const Value* s = json::find(expect, "stdout")) {
            EXPECT_EQ(rstrip_newlines(r.out), json::get_string(*s));
        }
        if (const Value* s = json::find(expect, "stdout_contains")) {
            EXPECT_NE(lower(r.out).find(lower(json::get_string(*s))), std::string::npos)
                << "stdout lacks: " << json::get_string(*s);
        }
        if (const Value* s = json::find(expect, "stderr_contains")) {
            EXPECT_NE(lower(r.err).find(lower(json::get_string(*s))), std::string::npos)
                << "stderr lacks: " << json::get_string(*s);
        }
        if (const Value* j = json::find(expect, "json")) {
            Value got;
            try {
                got = ccvm::json::parse(r.out, "stdout");
            } catch (const std::exception& e) {
                FAIL() << "stdout is not JSON: " << e.what();
            }
            for (const auto& [path, want] : json::get_object(*j)) {
                const Value* v = lookup(got, path);
                ASSERT_NE(v, nullptr) << "JSON output lacks '" << path << "'";
                EXPECT_TRUE(*v == want) << path << ": got " << json::dump(*v) << ", want " << want.dump();
            }
        }
    }

private:
    Value case_;
};

std::string test_name(const std::string& id) {
    std::string n;
    for (char c : id) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    if (argc != 2) {
        std::cerr << "usage: cli_vectors VECTOR_FILE.json [gtest flags]\n";
        return 2;
    }
    std::string file = argv[1];
    // The reruns with the hash engine forced to one level (tests/CMakeLists.txt) skip on CPUs without it.
    if (const char* level = std::getenv(ccvm::kHashEngineEnv)) {
        if (const auto l = ccvm::parse_hash_level(level); l && !ccvm::cpu_supports(*l)) {
            std::cout << "SKIP: this CPU lacks hash engine level " << level << "; " << file << " not rerun at it\n";
            return kSkipExitCode;
        }
    }
    Value doc = ccvm::json::parse(ccvm::read_text_file(file), file);
    std::string suite = std::filesystem::path(file).stem().string();
    for (const Value& c : json::get_array(json::at(doc, "cases"))) {
        std::string id = json::get_string(json::at(c, "id"));
        testing::RegisterTest(suite.c_str(), test_name(id).c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [c]() -> testing::Test* { return new CaseTest(c); });
    }
    return RUN_ALL_TESTS();
}
