// ccvmd end to end: a private system-like bus with the shipped policy, ccvmd on libvirt's test
// driver, the real ccvm CLI driving it (lifecycle, authorization, SEV pre-attestation with the
// simulated launch-security backend, kill -9 recovery).
#include <gtest/gtest.h>
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/libvirt/host_capabilities.hpp"
#include "ccvm/platform/initdata.hpp"
#include "daemon_harness.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;

namespace ccvm::test {
namespace {

HarnessPaths paths() { return {CCVMD_PATH, CCVM_CLI_PATH, CCVM_BUS_POLICY}; }

// OVMF with a footer table (Debian's ovmf package), the firmware the SEV specs boot.
const fs::path kOvmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";
constexpr const char* kLuksGuid = "736869e5-84f0-4973-92ec-06879ce3da0b";

json::Value status(const DaemonHarness& h, const std::string& name) {
    const auto r = h.ccvm({"status", name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, "ccvm status");
}

std::vector<std::string> listed(const DaemonHarness& h) {
    const auto r = h.ccvm({"list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> names;
    const json::Value vms = json::parse(r.out, "ccvm list");
    for (const json::Value& vm : json::get_array(vms)) names.push_back(json::get_string(json::at(vm, "name")));
    return names;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The version of the libvirt ccvmd links, as the probe reports it ("9.0.0").
std::string libvirt_version() {
    unsigned long v = 0;
    virGetVersion(&v, nullptr, nullptr);
    return libvirt::Version::from_libvirt(v).str();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Daemon, LifecycleThroughTheCli) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const fs::path spec = write_spec(h, "vm1", plain_spec(h, "vm1"));

    auto r = h.ccvm({"create", spec.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "created vm1 (/org/ccvm/ccvm1/vm/vm1)\n");
    EXPECT_EQ(listed(h), std::vector<std::string>{"vm1"});
    EXPECT_EQ(json::get_string(json::at(status(h, "vm1"), "state")), "defined");
    EXPECT_EQ(h.ccvm({"create", spec.string()}).exit_code, 2);  // AlreadyExists

    EXPECT_EQ(h.ccvm({"start", "vm1"}).exit_code, 0);
    EXPECT_EQ(json::get_string(json::at(status(h, "vm1"), "state")), "running");
    EXPECT_EQ(h.ccvm({"start", "vm1"}).exit_code, 2);   // InvalidState
    EXPECT_EQ(h.ccvm({"remove", "vm1"}).exit_code, 2);  // running
    r = h.ccvm({"stop", "vm1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "vm1: defined\n");
    EXPECT_EQ(h.ccvm({"start", "vm1"}).exit_code, 0);
    EXPECT_EQ(h.ccvm({"stop", "--force", "vm1"}).exit_code, 0);
    EXPECT_EQ(h.ccvm({"start", "vm1"}).exit_code, 0);
    EXPECT_EQ(h.ccvm({"destroy", "vm1"}).exit_code, 0);
    EXPECT_EQ(json::get_string(json::at(status(h, "vm1"), "reason")), "destroyed");

    r = h.ccvm({"attest", "vm1", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value a = json::parse(r.out, "attest");
    EXPECT_EQ(json::get_string(json::at(a, "backend")), "simulated");
    EXPECT_EQ(json::get_string(json::at(a, "verdict")), "pending");

    EXPECT_EQ(h.ccvm({"remove", "vm1"}).exit_code, 0);
    EXPECT_TRUE(listed(h).empty());
    EXPECT_FALSE(fs::exists(h.state_dir() / "vms/vm1"));
    r = h.ccvm({"status", "vm1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: no VM named 'vm1'\n");
    EXPECT_EQ(h.stop_daemon(), 0);
}

TEST(Daemon, BadSpecIsAnInputErrorWithItsPosition) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const fs::path spec = write_spec(h, "bad", "name: bad\ntee: none\nvcpus: many\n");
    const auto r = h.ccvm({"create", spec.string()});
    EXPECT_EQ(r.exit_code, 2);
    // ccvmd never sees the file name; the CLI puts it where the daemon says "spec".
    EXPECT_EQ(r.err,
              "ccvm: error: " + spec.string() + ":3:8: vcpus: expected an integer (decimal or 0x hex), got 'many'\n");
    EXPECT_TRUE(listed(h).empty());
    // The local commands read the file themselves and say the same.
    const auto v = h.ccvm({"spec", "validate", spec.string()});
    EXPECT_EQ(v.exit_code, 2);
    EXPECT_EQ(v.err, r.err);
}

// Evidence travels as bytes (ay) to ccvmd's verifier, which picks the family from the VM's spec:
// a VM without a TEE has no evidence to verify (libvirt 9's test driver defines no TDX/SNP/CCA
// domain; those families are covered by tests/unit/daemon/attest_evidence_test.cpp).
TEST(Daemon, AttestEvidenceReachesTheVerifier) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    ASSERT_EQ(h.ccvm({"create", write_spec(h, "vm1", plain_spec(h, "vm1")).string()}).exit_code, 0);
    const fs::path quote = source_dir() / "tests/data/tdx/trustee-quote-v4.dat";
    const auto r = h.ccvm({"attest", "vm1", "--evidence", quote.string(), "--json"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find("produces no runtime attestation evidence"), std::string::npos) << r.err;
    EXPECT_EQ(h.ccvm({"attest", "vm1"}).exit_code, 0);
    EXPECT_EQ(h.stop_daemon(), 0);
}

TEST(Daemon, UnprivilegedUserCanReadButNotChange) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as nobody";
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const fs::path spec = write_spec(h, "vm1", plain_spec(h, "vm1"));
    ASSERT_EQ(h.ccvm({"create", spec.string()}).exit_code, 0);

    auto r = h.ccvm({"list"}, "nobody");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("vm1"), std::string::npos);
    r = h.ccvm({"status", "vm1", "--json"}, "nobody");
    EXPECT_EQ(r.exit_code, 0) << r.err;

    // The shipped bus policy refuses the call; the CLI says so in its own words, not dbus-daemon's.
    const fs::path spec2 = write_spec(h, "vm2", plain_spec(h, "vm2"));
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"create", spec2.string()}, {"start", "vm1"}, {"destroy", "vm1"}, {"remove", "vm1"}}) {
        r = h.ccvm(args, "nobody");
        EXPECT_EQ(r.exit_code, 3) << args[0];
        EXPECT_EQ(r.err, "ccvm: error: permission denied: changing VMs needs root or group ccvm\n") << args[0];
    }
    EXPECT_EQ(listed(h), std::vector<std::string>{"vm1"});
    EXPECT_EQ(json::get_string(json::at(status(h, "vm1"), "state")), "defined");
}

TEST(Daemon, DaemonChecksCallersBehindAnOpenBus) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as nobody";
    DaemonHarness h(paths(), "simulated", true);
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const fs::path spec = write_spec(h, "vm1", plain_spec(h, "vm1"));
    auto r = h.ccvm({"create", spec.string()}, "nobody");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(
        r.err,
        "ccvm: error: permission denied: uid 65534 may not create VMs: needs root or the VM administrators' group\n");
    ASSERT_EQ(h.ccvm({"create", spec.string()}).exit_code, 0);
    r = h.ccvm({"start", "vm1"}, "nobody");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("uid 65534 may not start VMs"), std::string::npos) << r.err;
    EXPECT_EQ(json::get_string(json::at(status(h, "vm1"), "state")), "defined");
}

// Without ccvmd on the bus, or without a bus, the CLI says in one line that ccvmd is not reachable.
TEST(Daemon, UnreachableDaemonIsOneLine) {
    DaemonHarness h(paths());  // the bus runs, ccvmd does not
    auto r = h.ccvm({"list"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(
        r.err,
        "ccvm: error: ccvmd is not reachable on the system bus: org.ccvm.ccvm1 has no owner (is ccvmd running?)\n");
    const fs::path no_bus = h.dir() / "no-such-socket";
    const auto n =
        run_process({CCVM_CLI_PATH, "status", "vm1"}, {{"DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + no_bus.string()}});
    EXPECT_EQ(n.exit_code, 3);
    EXPECT_EQ(n.err.rfind("ccvm: error: ccvmd is not reachable on the system bus: cannot connect to the bus (", 0), 0u)
        << n.err;
    EXPECT_EQ(std::count(n.err.begin(), n.err.end(), '\n'), 1) << n.err;
}

// The pre-attested families with launch_security: simulated: ccvmd plays the AMD (sev) or Hygon
// (csv) secure processor.
class PreAttestedSimulated : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
        h_ = std::make_unique<DaemonHarness>(paths());
        ASSERT_TRUE(h_->start_daemon()) << h_->daemon_log();
        firmware_ = h_->dir() / "ovmf.fd";
        fs::copy_file(kOvmf, firmware_);
        key_ = h_->dir() / "disk.key";
        write_file(key_, "correct horse battery staple", 0600);
    }

    std::string spec(const std::string& name, bool with_secret) const {
        std::string s = "name: " + name + "\ntee:\n  type: " + GetParam() +
                        "\n  policy: 0x1\nvcpus: 1\nmemory: 512M\nfirmware: " + firmware_.string() +
                        "\nlibvirt:\n  domain-type: test\n";
        if (with_secret) s += "secrets:\n  - guid: " + std::string(kLuksGuid) + "\n    file: " + key_.string() + "\n";
        return s;
    }

    // Creates the VM; skips when this build cannot precompute the launch digest.
    void create(const std::string& name, bool with_secret) {
        const auto r = h_->ccvm({"create", write_spec(*h_, name, spec(name, with_secret)).string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const json::Value expected = json::at(status(*h_, name), "expected_measurement");
        if (!json::at(json::at(expected, "registers"), "launch_digest").is_string())
            GTEST_SKIP() << "no expected launch digest in this build: " << json::dump(expected);
    }

    std::unique_ptr<DaemonHarness> h_;
    fs::path firmware_, key_;
};

TEST_P(PreAttestedSimulated, SecretFromTheSpecIsInjectedAfterAVerifiedLaunch) {
    const std::string vm = GetParam() + "1";
    create(vm, true);
    if (IsSkipped()) return;
    const auto r = h_->ccvm({"start", vm});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const json::Value s = status(*h_, vm);
    EXPECT_EQ(json::get_string(json::at(s, "state")), "running");
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "verdict")), "ok");
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "backend")), "simulated");
    EXPECT_EQ(json::get_string(json::at(s, "launch_measurement")).size(), 96u);  // MEASURE || MNONCE, hex

    // status and attest show the registers alike: the family's names, lowercase hex, byte counts, and
    // the reported blob split into MEASURE (an HMAC, never equal to the digest) and MNONCE.
    const std::string digest =
        json::get_string(json::at(json::at(json::at(s, "expected_measurement"), "registers"), "launch_digest"));
    const std::string blob = json::get_string(json::at(s, "launch_measurement"));
    const std::string lines = "launch_digest (32 bytes): expected " + digest + "\nmeasure (32 bytes): reported " +
                              blob.substr(0, 64) +
                              " (HMAC-SHA256 of launch_digest keyed with the TIK; ccvmd checks it)\nmnonce (16 bytes): "
                              "reported " +
                              blob.substr(64) + " (the firmware's nonce in that HMAC)\n";
    const auto text = h_->ccvm({"status", vm});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(
        text.out.find("attestation: ok (launch measurement matches; 1 secret(s) injected after a verified launch)\n" +
                      lines),
        std::string::npos)
        << text.out;
    const auto attest = h_->ccvm({"attest", vm});
    ASSERT_EQ(attest.exit_code, 0) << attest.err;
    EXPECT_NE(attest.out.find("platform: API "), std::string::npos) << attest.out;
    EXPECT_NE(attest.out.find(", policy 0x1\n" + lines), std::string::npos) << attest.out;
    const auto aj = h_->ccvm({"attest", vm, "--json"});
    ASSERT_EQ(aj.exit_code, 0) << aj.err;
    const json::Value a = json::parse(aj.out, "attest --json");
    EXPECT_TRUE(json::at(a, "policy").is_number()) << aj.out;  // numbers as in status --json
    EXPECT_EQ(json::get_u64(json::at(a, "policy")), 1u);
    EXPECT_TRUE(json::at(a, "build").is_number()) << aj.out;
    EXPECT_EQ(json::dump(json::at(a, "policy")), json::dump(json::at(json::at(s, "attestation"), "policy")));
    EXPECT_EQ(json::dump(json::at(a, "comparison")), json::dump(json::at(s, "comparison")));
    const std::string log = h_->daemon_log();
    EXPECT_NE(log.find("simulated " + upper(GetParam()) + " firmware: LAUNCH_SECRET accepted"), std::string::npos)
        << log;
    EXPECT_EQ(log.find("correct horse"), std::string::npos);  // the secret is never logged
}

TEST_P(PreAttestedSimulated, PausedVmTakesItsSecretThroughADescriptor) {
    const std::string vm = GetParam() + "2";
    create(vm, false);
    if (IsSkipped()) return;
    ASSERT_EQ(h_->ccvm({"start", vm}).exit_code, 0) << h_->daemon_log();
    EXPECT_EQ(json::get_string(json::at(status(*h_, vm), "state")), "paused");
    const fs::path open_key = h_->dir() / "open.key";
    write_file(open_key, "secret", 0644);
    auto r = h_->ccvm({"inject", vm, "--guid", kLuksGuid, "--file", open_key.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("secret file '" + open_key.string() + "' is readable by group or others (mode 0644)"),
              std::string::npos)
        << r.err;
    r = h_->ccvm({"inject", vm, "--guid", "not-a-guid", "--file", key_.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = h_->ccvm({"inject", vm, "--guid", kLuksGuid, "--file", key_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    EXPECT_EQ(json::get_string(json::at(status(*h_, vm), "state")), "running");
    EXPECT_NE(h_->daemon_log().find("LAUNCH_SECRET accepted"), std::string::npos);
}

TEST_P(PreAttestedSimulated, ChangedFirmwareIsRefusedWithoutInjectingTheSecret) {
    const std::string vm = GetParam() + "3";
    create(vm, true);
    if (IsSkipped()) return;
    {
        // What boots is ccvmd's copy made at create (the spec's own path no longer matters); the copy
        // changes after it was measured: one byte in the middle of the image.
        const fs::path copy = h_->state_dir() / "vms" / vm / "inputs" / "firmware";
        std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(copy) / 2));
        f.put('\x5a');
    }
    const auto r = h_->ccvm({"start", vm});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("launch measurement mismatch"), std::string::npos) << r.err;
    const json::Value s = status(*h_, vm);
    EXPECT_EQ(json::get_string(json::at(s, "state")), "failed");
    EXPECT_NE(json::get_string(json::at(s, "reason")).find("no secret injected, domain destroyed"), std::string::npos);
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "verdict")), "mismatch");
    EXPECT_EQ(h_->daemon_log().find("LAUNCH_SECRET"), std::string::npos);
    // The domain is gone from the hypervisor: it can be started (and fail) again, not "already running".
    EXPECT_EQ(h_->ccvm({"start", vm}).exit_code, 1);
    // `ccvm status` (human form) says why.
    const auto human = h_->ccvm({"status", vm});
    EXPECT_NE(human.out.find("launch measurement mismatch"), std::string::npos) << human.out;
}

// The measurement properties are typed on the bus (org.ccvm.ccvm1.xml): register values and the launch
// measurement as byte arrays, names, reasons and verdicts as strings; PropertiesChanged carries the
// new values when a launch changes them. Read with a raw D-Bus client, not through the CLI.
TEST_P(PreAttestedSimulated, MeasurementPropertiesAreTypedOnTheBus) {
    const std::string vm = GetParam() + "4";
    create(vm, true);
    if (IsSkipped()) return;
    auto r = h_->run(VM_BUS_CLIENT_PATH, {"properties", vm});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value before = json::parse(r.out, "properties");
    EXPECT_EQ(json::dump(json::at(before, "Tee")), R"({"type":"s","value":")" + GetParam() + "\"}");
    const json::Value& expected = json::at(before, "ExpectedMeasurement");
    EXPECT_EQ(json::get_string(json::at(expected, "type")), "a{sv}");
    const json::Value& registers = json::at(json::at(expected, "value"), "registers");
    EXPECT_EQ(json::get_string(json::at(registers, "type")), "a{say}");
    ASSERT_EQ(json::get_object(json::at(registers, "value")).size(), 1u) << r.out;
    // The same digest as measuring the spec locally: 32 bytes (SHA-256 for SEV, SM3 for CSV).
    const auto local = h_->ccvm({"measure", write_spec(*h_, vm, spec(vm, true)).string()});
    ASSERT_EQ(local.exit_code, 0) << local.err;
    const std::string digest = json::get_string(json::at(json::at(registers, "value"), "launch_digest"));
    EXPECT_EQ(digest,
              json::get_string(json::at(json::at(json::parse(local.out, "measure"), "registers"), "launch_digest")));
    EXPECT_EQ(digest.size(), 64u);
    EXPECT_EQ(json::dump(json::at(json::at(expected, "value"), "not_computed")), R"({"type":"a{ss}","value":{}})");
    // Nothing launched yet: no launch measurement, no attestation.
    EXPECT_EQ(json::dump(json::at(before, "LaunchMeasurement")), R"({"type":"ay","value":""})");
    EXPECT_EQ(json::dump(json::at(before, "Attestation")), R"({"type":"a{sv}","value":{}})");

    r = h_->run(VM_BUS_CLIENT_PATH, {"start", vm});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const json::Value signals = json::parse(r.out, "signals");
    ASSERT_GE(json::get_array(signals).size(), 2u) << r.out;  // starting, then running
    EXPECT_EQ(json::get_string(json::at(json::at(json::get_array(signals).front(), "State"), "value")), "starting");
    const json::Value& last = json::get_array(signals).back();
    EXPECT_EQ(json::get_string(json::at(json::at(last, "State"), "value")), "running") << r.out;
    EXPECT_EQ(json::get_string(json::at(json::at(last, "LaunchMeasurement"), "type")), "ay");
    EXPECT_EQ(json::get_string(json::at(json::at(last, "LaunchMeasurement"), "value")).size(),
              96u);  // MEASURE || MNONCE
    const json::Value& a = json::at(last, "Attestation");
    EXPECT_EQ(json::get_string(json::at(a, "type")), "a{sv}");
    EXPECT_EQ(json::dump(json::at(json::at(a, "value"), "verdict")), R"({"type":"s","value":"ok"})");
    EXPECT_EQ(json::dump(json::at(json::at(a, "value"), "backend")), R"({"type":"s","value":"simulated"})");
    EXPECT_EQ(json::dump(json::at(json::at(a, "value"), "policy")), R"({"type":"u","value":1})");  // the spec's policy
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(a, "value"), "build"), "type")), "u");
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(a, "value"), "api"), "type")), "s");
    EXPECT_NE(
        json::get_string(json::at(json::at(json::at(a, "value"), "reason"), "value")).find("1 secret(s) injected"),
        std::string::npos);

    // The properties read afterwards hold what the signal carried, and the CLI shows the same bytes.
    r = h_->run(VM_BUS_CLIENT_PATH, {"properties", vm});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value after = json::parse(r.out, "properties");
    EXPECT_EQ(json::dump(json::at(after, "LaunchMeasurement")), json::dump(json::at(last, "LaunchMeasurement")));
    EXPECT_EQ(json::dump(json::at(after, "Attestation")), json::dump(a));
    EXPECT_EQ(json::dump(json::at(after, "ExpectedMeasurement")), json::dump(expected));
    const json::Value s = status(*h_, vm);
    EXPECT_EQ(json::get_string(json::at(s, "launch_measurement")),
              json::get_string(json::at(json::at(last, "LaunchMeasurement"), "value")));
    EXPECT_EQ(json::get_u64(json::at(json::at(s, "attestation"), "policy")), 1u);
}

INSTANTIATE_TEST_SUITE_P(Tee, PreAttestedSimulated, ::testing::Values("sev", "csv"),
                         [](const auto& p) { return p.param; });

// The shape of configs/examples/csv.yaml: CSV1 with measured direct boot (kernel-hashes) on an OVMF
// that has the hashes-table area. A kernel changed after create (ccvmd's copy) is refused like changed
// firmware.
TEST(CsvSimulated, ExampleShapedSpecWithKernelHashes) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    for (const char* f : {"OVMF-deb-amdsev-suffix.fd", "csv-kernel.bin", "csv-initrd.bin"})
        fs::copy_file(gen_dir() / f, h.dir() / f);
    const fs::path key = h.dir() / "disk.key";
    write_file(key, "correct horse battery staple", 0600);
    const std::string spec =
        "name: csv-guest\ntee:\n  type: csv\n  policy: 0x1\n  kernel-hashes: true\nvcpus: 2\n"
        "memory: 2G\nfirmware: " +
        (h.dir() / "OVMF-deb-amdsev-suffix.fd").string() + "\nkernel: " + (h.dir() / "csv-kernel.bin").string() +
        "\ninitrd: " + (h.dir() / "csv-initrd.bin").string() +
        "\ncmdline: console=ttyS0\nhost:\n  cbitpos: 47\n  reduced-phys-bits: 5\n"
        "libvirt:\n  domain-type: test\nsecrets:\n  - guid: " +
        kLuksGuid + "\n    file: " + key.string() + "\n";
    ASSERT_EQ(h.ccvm({"create", write_spec(h, "csv-guest", spec).string()}).exit_code, 0);
    // What the daemon expects is what `ccvm measure --mode csv` computes offline for the same inputs.
    const auto m = h.ccvm({"measure", "--mode", "csv", "--ovmf", (h.dir() / "OVMF-deb-amdsev-suffix.fd").string(),
                           "--kernel", (h.dir() / "csv-kernel.bin").string(), "--initrd",
                           (h.dir() / "csv-initrd.bin").string(), "--append", "console=ttyS0"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(status(h, "csv-guest"), "expected_measurement"), "registers"),
                                        "launch_digest")) +
                  "\n",
              m.out);

    auto r = h.ccvm({"start", "csv-guest"});
    ASSERT_EQ(r.exit_code, 0) << r.err << h.daemon_log();
    json::Value s = status(h, "csv-guest");
    EXPECT_EQ(json::get_string(json::at(s, "state")), "running");
    EXPECT_EQ(json::get_string(json::at(s, "tee")), "csv");
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "verdict")), "ok");
    EXPECT_NE(h.daemon_log().find("simulated CSV firmware: LAUNCH_SECRET accepted"), std::string::npos);
    ASSERT_EQ(h.ccvm({"destroy", "csv-guest"}).exit_code, 0);

    {
        // The kernel ccvmd boots (its copy from create) changes behind its back.
        std::ofstream kernel(h.state_dir() / "vms" / "csv-guest" / "inputs" / "kernel",
                             std::ios::app | std::ios::binary);
        kernel << 'x';
    }
    r = h.ccvm({"start", "csv-guest"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    s = status(h, "csv-guest");
    EXPECT_EQ(json::get_string(json::at(s, "state")), "failed");
    EXPECT_NE(json::get_string(json::at(s, "reason")).find("launch measurement mismatch"), std::string::npos);
    EXPECT_NE(json::get_string(json::at(s, "reason")).find("no secret injected, domain destroyed"), std::string::npos);
    const std::string log = h.daemon_log();
    const auto refused = log.find("csv-guest: launch measurement mismatch");
    ASSERT_NE(refused, std::string::npos) << log;
    EXPECT_EQ(log.find("LAUNCH_SECRET accepted", refused), std::string::npos);
}

// launch_security: libvirt on a host without launch security (the test driver reports no domain
// capabilities): ccvmd probes the host and refuses a SEV spec at create, in one line naming the
// versions SEV needs; a plain VM on the same daemon is created and runs.
TEST(DaemonLibvirtLaunchSecurity, HostWithoutLaunchSecurityRefusesTheSpecAtCreate) {
    if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
    DaemonHarness h(paths(), "libvirt");
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const fs::path firmware = h.dir() / "ovmf.fd";
    fs::copy_file(kOvmf, firmware);
    const std::string spec =
        "name: sevhw\ntee:\n  type: sev\n  policy: 0x1\nvcpus: 1\nmemory: 512M\nfirmware: " + firmware.string() +
        "\nlibvirt:\n  domain-type: test\n";
    const auto r = h.ccvm({"create", write_spec(h, "sevhw", spec).string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err,
              "ccvm: error: SEV needs libvirt >= 8.0.0, QEMU >= 6.2.0 and Linux >= 4.16 (host test:///default: "
              "libvirt " +
                  libvirt_version() + ", no QEMU driver, no launch security reported)\n");
    EXPECT_TRUE(listed(h).empty());
    EXPECT_FALSE(fs::exists(h.state_dir() / "vms/sevhw"));
    // Probed once, on the first TEE spec, and logged.
    EXPECT_EQ(h.ccvm({"create", write_spec(h, "sevhw", spec).string()}).exit_code, 3);
    const std::string log = h.daemon_log();
    const std::string probed =
        "host test:///default: libvirt " + libvirt_version() + ", QEMU -, launch security: not reported";
    const auto first = log.find(probed);
    ASSERT_NE(first, std::string::npos) << log;
    EXPECT_EQ(log.find(probed, first + 1), std::string::npos) << log;
    ASSERT_EQ(h.ccvm({"create", write_spec(h, "plain", plain_spec(h, "plain")).string()}).exit_code, 0);
    EXPECT_EQ(h.ccvm({"start", "plain"}).exit_code, 0);
    const auto a = h.ccvm({"attest", "plain", "--json"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(json::get_string(json::at(json::parse(a.out, "attest"), "backend")), "libvirt");
}

// launch_security: simulated also creates and starts SEV-SNP, TDX and CCA VMs on the test hypervisor
// (which has no launch security: the probe that blocks them on launch_security: libvirt is not
// asked); their launch-security element is left out of what libvirt gets, and the state and the log
// say so. ccvmd copies the initdata and each runtime secret into the VM's inputs and records the
// initdata binding; without initdata in the spec it writes one naming the VM and kbs_url.
class DirectSimulated : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
        h_ = std::make_unique<DaemonHarness>(paths());
        std::ofstream(h_->dir() / "ccvmd.yaml", std::ios::app) << "kbs_url: http://192.0.2.9:8080\n";
        ASSERT_TRUE(h_->start_daemon()) << h_->daemon_log();
        firmware_ = h_->dir() / "fw.fd";
        // A TD boots TDVF (an OVMF build with TDX metadata); the others take Debian's OVMF as a blob.
        fs::copy_file(GetParam() == "tdx" ? inputs_dir() / "firmware" / "debian13" / "OVMF.fd" : kOvmf, firmware_);
        key_ = h_->dir() / "disk.key";
        write_file(key_, "runtime secret bytes", 0600);
    }

    std::string spec(const std::string& name, const std::string& extra) const {
        return "name: " + name + "\ntee: " + GetParam() + "\nvcpus: 1\nmemory: 512M\nfirmware: " + firmware_.string() +
               "\nsecrets:\n  - resource: default/key/" + name + "\n    file: " + key_.string() +
               "\nlibvirt:\n  domain-type: test\n" + extra;
    }

    // The initdata binding as the family's field holds it: SHA-384 truncated or zero-padded.
    std::string binding_hex(const std::string& initdata) const {
        const auto digest = sha384(as_bytes(initdata));
        const std::size_t size = GetParam() == "sev-snp" ? 32 : GetParam() == "tdx" ? 48 : 64;
        Bytes field(size);
        std::copy_n(digest.begin(), std::min(size, digest.size()), field.begin());
        return to_hex(field);
    }

    std::unique_ptr<DaemonHarness> h_;
    fs::path firmware_, key_;
};

TEST_P(DirectSimulated, CreatesAndStartsWithInitdataAndRuntimeSecrets) {
    const std::string vm = "d" + GetParam().substr(0, 3);
    const std::string initdata = "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n\"k\" = \"" + vm + "\"\n";
    const fs::path initdata_file = h_->dir() / "initdata.toml";
    write_file(initdata_file, initdata, 0644);
    auto r = h_->ccvm({"create", write_spec(*h_, vm, spec(vm, "initdata: " + initdata_file.string() + "\n")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const fs::path vm_dir = h_->state_dir() / "vms" / vm;
    EXPECT_EQ(read_text_file(vm_dir / "inputs" / "initdata"), initdata);
    EXPECT_EQ(read_text_file(vm_dir / "inputs" / "resource-0"), "runtime secret bytes");
    EXPECT_EQ(fs::status(vm_dir / "inputs" / "resource-0").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    const json::Value record = json::parse(read_text_file(vm_dir / "state.json"), "state.json");
    EXPECT_EQ(json::get_string(json::at(record, "init_data")), binding_hex(initdata));
    const std::string xml = read_text_file(vm_dir / "domain.xml");
    EXPECT_NE(
        xml.find("<entry name='opt/org.ccvm/initdata' file='" + (vm_dir / "inputs" / "initdata").string() + "'/>"),
        std::string::npos)
        << xml;
    // ccvmd keeps the family's element; only the test hypervisor goes without it.
    if (GetParam() != "cca") {
        EXPECT_NE(xml.find("<launchSecurity type='" + GetParam() + "'"), std::string::npos) << xml;
    }

    r = h_->ccvm({"start", vm});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const json::Value s = status(*h_, vm);
    EXPECT_EQ(json::get_string(json::at(s, "state")), "running");
    EXPECT_EQ(json::get_string(json::at(s, "reason")),
              "simulated " + GetParam() +
                  " launch: running on the test hypervisor without its launch security; "
                  "not confidential");
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "backend")), "simulated");
    const std::string log = h_->daemon_log();
    EXPECT_NE(log.find("VM " + vm + ": simulated " + GetParam() +
                       " launch: started on the test hypervisor without its launch security"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("runtime secret bytes"), std::string::npos);
    ASSERT_EQ(h_->ccvm({"destroy", vm}).exit_code, 0);
    EXPECT_EQ(h_->ccvm({"remove", vm}).exit_code, 0);
}

TEST_P(DirectSimulated, WithoutInitdataCcvmdWritesOneNamingTheVmAndTheBroker) {
    // Appended, not `"n" + string`, for which GCC 12 at -O3 reports a false -Wrestrict.
    std::string vm = "n";
    vm += GetParam().substr(0, 3);
    const auto r = h_->ccvm({"create", write_spec(*h_, vm, spec(vm, "")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const fs::path vm_dir = h_->state_dir() / "vms" / vm;
    const std::string initdata = read_text_file(vm_dir / "inputs" / "initdata");
    EXPECT_EQ(initdata, platform::default_initdata(vm, "http://192.0.2.9:8080"));
    EXPECT_NE(initdata.find("\"ccvm.vm\" = \"" + vm + "\"\n"), std::string::npos) << initdata;
    EXPECT_EQ(json::get_string(json::at(json::parse(read_text_file(vm_dir / "state.json"), "state.json"), "init_data")),
              binding_hex(initdata));
    EXPECT_NE(read_text_file(vm_dir / "domain.xml").find("opt/org.ccvm/initdata"), std::string::npos);
    // A later plan of the same VM (start) finds ccvmd's initdata again.
    const auto started = h_->ccvm({"start", vm});
    ASSERT_EQ(started.exit_code, 0) << started.err << h_->daemon_log();
    EXPECT_EQ(json::get_string(json::at(status(*h_, vm), "state")), "running");
}

INSTANTIATE_TEST_SUITE_P(Families, DirectSimulated, ::testing::Values("sev-snp", "tdx", "cca"),
                         [](const auto& p) { return p.param == "sev-snp" ? std::string("snp") : p.param; });

// kill -9 at each step of create, start and remove; the restarted daemon must hold every VM
// completely (state dir, libvirt domain, bus object) or not at all.
void expect_consistent(const DaemonHarness& h, const std::string& name, bool present) {
    EXPECT_EQ(contains(listed(h), name), present) << name;
    EXPECT_EQ(fs::exists(h.state_dir() / "vms" / name / "state.json"), present) << name;
    for (const auto& e : fs::directory_iterator(h.state_dir() / "vms"))
        EXPECT_NE(e.path().filename().string().front(), '.') << "leftover " << e.path();
    if (present) {
        // The libvirt domain exists again: it starts, and the VM removes cleanly.
        const auto r = h.ccvm({"start", name});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(h.ccvm({"destroy", name}).exit_code, 0);
        EXPECT_EQ(h.ccvm({"remove", name}).exit_code, 0);
    }
}

TEST(DaemonCrash, KillAtEveryStepOfCreateStartRemove) {
    DaemonHarness h(paths());
    struct Case {
        const char* point;
        bool present_after;
    };
    const Case cases[] = {{"create.recorded", false}, {"create.defined", false}, {"create.committed", true},
                          {"start.recorded", true},   {"start.launched", true},  {"remove.recorded", false},
                          {"remove.undefined", false}};
    int i = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.point);
        const std::string name = "crash" + std::to_string(i++);
        const fs::path spec = write_spec(h, name, plain_spec(h, name));
        const std::string point = c.point;
        if (!point.starts_with("create")) {
            ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
            ASSERT_EQ(h.ccvm({"create", spec.string()}).exit_code, 0);
            h.stop_daemon();
        }
        ASSERT_TRUE(h.start_daemon({{"CCVMD_CRASH_AT", point}})) << h.daemon_log();
        const std::string verb = point.substr(0, point.find('.'));
        const auto r = h.ccvm({verb, verb == "create" ? spec.string() : name});
        EXPECT_EQ(r.exit_code, 3) << r.err;  // the daemon died under the call
        EXPECT_EQ(h.wait_daemon(std::chrono::seconds(10)), 128 + SIGKILL);
        ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
        expect_consistent(h, name, c.present_after);
        h.stop_daemon();
    }
}

// "r<round>c<client>", appended piece by piece: for `"r" + std::to_string(round) + ...` GCC 12 at -O3
// reports a false -Wrestrict inside libstdc++'s inlined std::string copy.
std::string round_vm_name(int round, int client) {
    std::string name = "r";
    name += std::to_string(round);
    name += 'c';
    name += std::to_string(client);
    return name;
}

TEST(DaemonCrash, KillAtRandomMomentsUnderLoad) {
    DaemonHarness h(paths());
    std::mt19937 rng(20261122);
    for (int round = 0; round < 6; ++round) {
        SCOPED_TRACE(round);
        ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
        std::vector<std::thread> clients;
        for (int c = 0; c < 3; ++c) {
            const std::string name = round_vm_name(round, c);
            const fs::path spec = write_spec(h, name, plain_spec(h, name));
            clients.emplace_back([&h, spec, name] {
                if (h.ccvm({"create", spec.string()}).exit_code == 0) h.ccvm({"start", name});
            });
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 120)(rng)));
        h.kill_daemon();
        for (auto& t : clients) t.join();
        ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
        for (int c = 0; c < 3; ++c) {
            const std::string name = round_vm_name(round, c);
            expect_consistent(h, name, contains(listed(h), name));
        }
        h.stop_daemon();
    }
}

}  // namespace
}  // namespace ccvm::test
