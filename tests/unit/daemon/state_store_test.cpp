#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/state_store.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

class StateStoreTest : public ::testing::Test {
protected:
    const ccvm::test::TempDir tmp_;
    const fs::path dir_ = tmp_ / "state";  // created by the StateStore
};

VmRecord sample(const std::string& name) {
    VmRecord r;
    r.name = name;
    r.tee = platform::TeeKind::sev_es;
    r.phase = Phase::ready;
    r.state = VmState::failed;
    r.state_reason = "launch measurement mismatch: \"quoted\"";
    r.expected.values["launch_digest"] = Bytes{std::byte{0x00}, std::byte{0xff}};
    r.expected.not_computed["rtmr0"] = "why";
    r.launch_measurement = Bytes{std::byte{0xab}, std::byte{0xcd}};
    r.attestation = LaunchAttestation{LaunchVerdict::mismatch, "differs", "simulated", LaunchPlatform{1, 55, 21, 0x1}};
    return r;
}

TEST_F(StateStoreTest, CreateWritesSpecDomainAndRecordPrivately) {
    StateStore store(dir_);
    store.create(sample("vm1"), "name: vm1\n", "<domain/>");
    EXPECT_EQ(store.spec_yaml("vm1"), "name: vm1\n");
    EXPECT_EQ(store.domain_xml("vm1"), "<domain/>");
    const VmRecord back = store.load("vm1");
    EXPECT_EQ(record_to_json(back), record_to_json(sample("vm1")));
    EXPECT_EQ(back.tee, platform::TeeKind::sev_es);
    EXPECT_EQ(back.expected, sample("vm1").expected);
    EXPECT_EQ(back.launch_measurement, sample("vm1").launch_measurement);
    EXPECT_EQ(back.attestation, sample("vm1").attestation);
    EXPECT_EQ(back.state, VmState::failed);
    EXPECT_EQ(back.state_reason, "launch measurement mismatch: \"quoted\"");
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "vms/vm1/state.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir_ / "vms/vm1").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_THROW(store.create(sample("vm1"), "", ""), DaemonError);
}

TEST_F(StateStoreTest, SaveReplacesWithoutLeavingTemporaries) {
    StateStore store(dir_);
    VmRecord r = sample("vm1");
    store.create(r, "", "");
    r.state = VmState::running;
    store.save(r);
    EXPECT_EQ(store.load("vm1").state, VmState::running);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir_ / "vms/vm1")) ++files;
    EXPECT_EQ(files, 3u);
}

TEST_F(StateStoreTest, RecoveryDropsInterruptedCreatesAndErases) {
    StateStore store(dir_);
    store.create(sample("keep"), "", "");
    fs::create_directories(dir_ / "vms/.new-half");  // crash while staging a create
    fs::create_directories(dir_ / "vms/.old-gone");  // crash while deleting a removed VM
    std::ofstream(dir_ / "vms/.old-gone/state.json") << "{}";
    const std::vector<std::string> names = store.recover_names();
    EXPECT_EQ(names, std::vector<std::string>{"keep"});
    EXPECT_FALSE(fs::exists(dir_ / "vms/.new-half"));
    EXPECT_FALSE(fs::exists(dir_ / "vms/.old-gone"));
}

TEST_F(StateStoreTest, EraseRemovesTheDirectory) {
    StateStore store(dir_);
    store.create(sample("vm1"), "", "");
    store.erase("vm1");
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1"));
    EXPECT_TRUE(store.recover_names().empty());
}

TEST_F(StateStoreTest, CorruptRecordIsAnErrorNotACrash) {
    StateStore store(dir_);
    store.create(sample("vm1"), "", "");
    std::ofstream(dir_ / "vms/vm1/state.json") << R"({"name":"vm1","phase":"sideways"})";
    EXPECT_THROW(store.load("vm1"), ccvm::Error);
    std::ofstream(dir_ / "vms/vm1/state.json") << R"({"name":)";
    EXPECT_THROW(store.load("vm1"), ccvm::Error);
}

TEST_F(StateStoreTest, RecordsAreReadStrictly) {
    const std::string good = record_to_json(sample("vm1"));
    EXPECT_EQ(record_from_json(good, "r").name, "vm1");
    std::string extra = good;
    extra.insert(1, "\"owner\": \"mallory\",");
    try {
        (void)record_from_json(extra, "r");
        ADD_FAILURE() << "an unknown field was accepted";
    } catch (const ccvm::InputError& e) {
        EXPECT_EQ(std::string(e.what()), "r: unknown field 'owner'");
    }
    EXPECT_THROW((void)record_from_json(R"({"name":"vm1"})", "r"), ccvm::InputError);  // fields missing
}

// state.json keeps the typed values as JSON: registers as hex, the attestation as an object.
TEST_F(StateStoreTest, TypedValuesAreStoredAsJson) {
    const std::string text = record_to_json(sample("vm1"));
    const json::Value v = json::parse(text, "state.json");
    EXPECT_EQ(json::get_string(json::at(v, "tee")), "sev-es");
    EXPECT_EQ(json::dump(json::at(v, "expected_measurement")),
              R"({"registers":{"launch_digest":"00ff"},"not_computed":{"rtmr0":"why"}})");
    EXPECT_EQ(json::get_string(json::at(v, "launch_measurement")), "abcd");
    EXPECT_EQ(json::dump(json::at(v, "attestation")),
              R"({"verdict":"mismatch","reason":"differs","backend":"simulated","api_major":1,"api_minor":55,)"
              R"("build":21,"policy":1})");
    VmRecord fresh = sample("vm2");
    fresh.attestation.reset();
    fresh.launch_measurement.clear();
    const VmRecord back = record_from_json(record_to_json(fresh), "r");
    EXPECT_FALSE(back.attestation.has_value());
    EXPECT_TRUE(back.launch_measurement.empty());

    const auto refused = [&](const std::string& from, const std::string& to) {
        std::string bad = text;
        const auto at = bad.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        bad.replace(at, from.size(), to);
        try {
            (void)record_from_json(bad, "r");
        } catch (const ccvm::InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(refused(R"("00ff")", R"("0xzz")").rfind("r: field 'expected_measurement.registers.launch_digest'", 0),
              0u);
    EXPECT_EQ(refused(R"("tee": "sev-es")", R"("tee": "sgx")"), "r: unknown tee 'sgx'");
    EXPECT_EQ(refused(R"("verdict": "mismatch")", R"("verdict": "maybe")"), "unknown verdict 'maybe' in state record");
    EXPECT_EQ(refused(R"("build": 21)", R"("build": "21")"), "r: field 'attestation.build' is not a number");
}

TEST_F(StateStoreTest, QuarantineMovesTheEntryAsideWithItsReason) {
    StateStore store(dir_);
    store.create(sample("vm1"), "", "");
    std::ofstream(dir_ / "vms/junk") << "x";
    std::ofstream(dir_ / "vms/vm1/.state.json.tmp") << "half";
    EXPECT_EQ(store.recover_names(), std::vector<std::string>{"vm1"});
    EXPECT_FALSE(fs::exists(dir_ / "vms/junk"));
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1/.state.json.tmp"));
    store.quarantine("vm1", "its record names VM 'vm2', not 'vm1'");
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1"));
    const auto q = store.list_quarantined();
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[0].entry.rfind("junk.", 0), 0u);
    EXPECT_EQ(q[0].reason, "not a VM directory");
    EXPECT_EQ(q[1].entry.rfind("vm1.", 0), 0u);
    EXPECT_EQ(q[1].reason, "its record names VM 'vm2', not 'vm1'");
    EXPECT_TRUE(fs::exists(dir_ / "quarantine" / q[1].entry / "state.json"));
}

}  // namespace
}  // namespace ccvm::daemon
