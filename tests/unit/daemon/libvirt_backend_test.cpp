// The libvirt backend and the pre-attested launch flow on libvirt's test driver (test:///default),
// for real wherever the test driver can (define, start, destroy, undefine, and its errors for the
// launch-security calls), and with a narrow fake where it cannot: the three launch-security calls
// of the C API are replaced by a stand-in host whose virTypedParameter answers come from the
// simulated SEV/CSV firmware (libvirt src/test/test_driver.c; virDomainGetLaunchSecurityInfo).
#include <gtest/gtest.h>
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "ccvm/base/encoding.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/spec_files.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "launch_backends/libvirt_backend.hpp"
#include "launch_backends/platform_planner.hpp"
#include "launch_backends/pre_attestation.hpp"
#include "launch_backends/sev_launch.hpp"
#include "launch_backends/simulated_firmware.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

constexpr const char* kUri = "test:///default";
const fs::path kOvmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";
constexpr const char* kLuksGuid = "736869e5-84f0-4973-92ec-06879ce3da0b";

std::string plain_sev_xml(const std::string& name) {
    return platform::render_domain_xml(
        platform::parse_vm_spec("name: " + name +
                                    "\nmemory: 512M\nfirmware: /fw/OVMF.fd\ntee:\n  type: sev\n  policy: 0x1\n"
                                    "libvirt:\n  domain-type: test\n",
                                "sev.yaml"));
}

std::string message_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const DaemonError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(LibvirtBackendTestDriver, LifecycleIsReal) {
    LibvirtBackend b(kUri);
    EXPECT_EQ(b.state("lvb-life"), DomainState::absent);
    b.define(plain_sev_xml("lvb-life"));
    EXPECT_EQ(b.state("lvb-life"), DomainState::shutoff);
    b.start("lvb-life", false);
    EXPECT_EQ(b.state("lvb-life"), DomainState::running);
    const auto names = b.list_domains();
    EXPECT_NE(std::find(names.begin(), names.end(), "lvb-life"), names.end());
    b.destroy("lvb-life");
    EXPECT_EQ(b.state("lvb-life"), DomainState::shutoff);
    b.undefine("lvb-life");
    EXPECT_EQ(b.state("lvb-life"), DomainState::absent);
}

TEST(LibvirtBackendTestDriver, HostWithoutSevSaysSoInOneLineWithLibvirtsText) {
    LibvirtBackend b(kUri);
    try {
        b.sev_pdh(LaunchFirmware::amd_sev);
        FAIL() << "the test driver has no virNodeGetSEVInfo";
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_supported);
        EXPECT_EQ(std::string(e.what()),
                  "host test:///default offers no SEV/CSV launch security (libvirt: node SEV info: this function is "
                  "not supported by the connection driver: virNodeGetSEVInfo)");
    }
    b.define(plain_sev_xml("lvb-nosev"));
    b.start("lvb-nosev", false);
    // libvirt src/test/test_driver.c: the test driver's own refusals reach the caller with libvirt's message.
    EXPECT_NE(message_of([&] {
                  b.launch_measurement("lvb-nosev");
              }).find("unsupported flags (0x4) in function testDomainGetLaunchSecurityInfo"),
              std::string::npos);
    EXPECT_NE(message_of([&] {
                  b.inject_launch_secret("lvb-nosev", "aGVhZGVy", "c2VjcmV0");
              }).find("not supported by the connection driver: virDomainSetLaunchSecurityState"),
              std::string::npos);
    b.destroy("lvb-nosev");
    b.undefine("lvb-nosev");
}

// A host with an SEV or CSV secure processor, as far as libvirt's three launch-security calls go:
// it answers them with typed parameters made the way libvirt makes them (virTypedParamsAdd*),
// playing the firmware with the simulated one. Everything else is the real test driver.
class FakeSevHost {
public:
    explicit FakeSevHost(const SimulatedFirmware& firmware) : firmware_(firmware) {}

    libvirt::LaunchSecurityCalls calls() {
        return {[this](virConnectPtr conn, virTypedParameterPtr* params, int* n, unsigned flags) {
                    return node_sev_info(conn, params, n, flags);
                },
                [this](virDomainPtr dom, virTypedParameterPtr* params, int* n, unsigned flags) {
                    return launch_security_info(dom, params, n, flags);
                },
                [this](virDomainPtr dom, virTypedParameterPtr params, int n, unsigned flags) {
                    return set_launch_security_state(dom, params, n, flags);
                }};
    }

    // The spec the firmware measures for a domain (its inputs are read when the launch starts).
    void measure_as(const std::string& name, platform::VmSpec spec) { specs_.insert_or_assign(name, std::move(spec)); }

    std::vector<std::string> calls_made;
    std::map<std::string, libvirt::TypedParams> injected;  // by domain
    std::map<std::string, std::size_t> accepted;           // decrypted secret sizes, by domain

private:
    int node_sev_info(virConnectPtr conn, virTypedParameterPtr* params, int* n, unsigned flags) {
        calls_made.push_back("node-sev-info");
        EXPECT_NE(conn, nullptr);
        EXPECT_EQ(flags, 0u);
        int max = 0;
        *params = nullptr;
        *n = 0;
        const std::string pdh = to_base64(firmware_.pdh());
        EXPECT_EQ(virTypedParamsAddString(params, n, &max, VIR_NODE_SEV_PDH, pdh.c_str()), 0);
        EXPECT_EQ(virTypedParamsAddString(params, n, &max, VIR_NODE_SEV_CERT_CHAIN, "AAEC"), 0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_NODE_SEV_CBITPOS, 47), 0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_NODE_SEV_REDUCED_PHYS_BITS, 5), 0);
        return 0;
    }

    int launch_security_info(virDomainPtr dom, virTypedParameterPtr* params, int* n, unsigned flags) {
        const std::string name = virDomainGetName(dom);
        calls_made.push_back("launch-security-info " + name);
        EXPECT_EQ(flags, 0u);
        // LAUNCH_START happened at start: the firmware reads what libvirt was given, the real XML.
        char* xml = virDomainGetXMLDesc(dom, 0);
        const LaunchStartInput in = launch_start_input(xml);
        free(xml);
        auto [it, added] = guests_.try_emplace(name);
        if (added) it->second = firmware_.launch(in, specs_.at(name));
        int max = 0;
        *params = nullptr;
        *n = 0;
        const std::string m = to_base64(it->second.measurement);
        EXPECT_EQ(virTypedParamsAddString(params, n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT, m.c_str()), 0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR, kSimulatedApiMajor),
                  0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR, kSimulatedApiMinor),
                  0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID, kSimulatedBuildId),
                  0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY, it->second.policy), 0);
        return 0;
    }

    int set_launch_security_state(virDomainPtr dom, virTypedParameterPtr params, int n, unsigned flags) {
        const std::string name = virDomainGetName(dom);
        calls_made.push_back("set-launch-security-state " + name);
        EXPECT_EQ(flags, 0u);
        libvirt::TypedParams p = libvirt::typed_params_to_map(params, n);
        injected[name] = p;
        const secret::SecretBytes data =
            firmware_.launch_secret(guests_.at(name), from_base64(std::get<std::string>(p.at("sev-secret-header"))),
                                    from_base64(std::get<std::string>(p.at("sev-secret"))));
        accepted[name] = data.size();
        return 0;
    }

    const SimulatedFirmware& firmware_;
    std::map<std::string, platform::VmSpec> specs_;
    std::map<std::string, SimulatedGuest> guests_;
};

// libvirt's test driver cannot start a domain paused (libvirt src/test/test_driver.c): this start runs it, the fake
// firmware holds the launch. Every other call goes to the real backend.
class RunInsteadOfPaused final : public VmBackend {
public:
    explicit RunInsteadOfPaused(LibvirtBackend& b) : b_(b) {}
    std::vector<std::string> list_domains() override { return b_.list_domains(); }
    DomainState state(const std::string& n) override { return b_.state(n); }
    void define(const std::string& xml) override { b_.define(xml); }
    void start(const std::string& n, bool) override { b_.start(n, false); }
    void resume(const std::string& n) override { resumed.push_back(n); }
    void shutdown(const std::string& n) override { b_.shutdown(n); }
    void destroy(const std::string& n) override { b_.destroy(n); }
    void undefine(const std::string& n) override { b_.undefine(n); }
    Bytes sev_pdh(LaunchFirmware f) override { return b_.sev_pdh(f); }
    LaunchReport launch_measurement(const std::string& n) override { return b_.launch_measurement(n); }
    void inject_launch_secret(const std::string& n, const std::string& h, const std::string& s) override {
        b_.inject_launch_secret(n, h, s);
    }
    std::vector<std::string> resumed;

private:
    LibvirtBackend& b_;
};

struct FlowCase {
    const char* tee;
    std::unique_ptr<SimulatedFirmware> (*firmware)();
    const PreAttestation& (*scheme)();
    std::size_t session_size;  // what reaches libvirt's <session>
};

class PreAttestedOnLibvirt : public ::testing::TestWithParam<FlowCase> {
protected:
    void SetUp() override {
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
        fs::copy_file(kOvmf, dir_ / "ovmf.fd");
        firmware_ = GetParam().firmware();
        host_ = std::make_unique<FakeSevHost>(*firmware_);
        backend_ = std::make_unique<LibvirtBackend>(kUri, host_->calls());
    }

    VmPlan plan(const std::string& name) {
        fs::create_directories(dir_ / "vms" / name);
        const std::string yaml = "name: " + name + "\ntee:\n  type: " + GetParam().tee +
                                 "\n  policy: 0x1\nvcpus: 1\nmemory: 512M\nfirmware: " + (dir_ / "ovmf.fd").string() +
                                 "\nlibvirt:\n  domain-type: test\n";
        // As ccvmd plans a new VM: from the descriptors its caller opened, copied into the VM's inputs.
        CallerFiles files = platform::open_spec_files(platform::parse_vm_spec(yaml, name + ".yaml"));
        const fs::path inputs = dir_ / "vms" / name / "inputs";
        VmPlan p = PlatformPlanner().plan(yaml, name + ".yaml", {&files, inputs, inputs});
        host_->measure_as(name, native_spec(p));
        return p;
    }

    std::vector<SecretEntry> luks_key() {
        std::vector<SecretEntry> s;
        s.push_back({kLuksGuid, secret::SecretBytes(as_bytes(std::string_view("correct horse battery staple")))});
        return s;
    }

    const ccvm::test::TempDir tmp_;
    const fs::path dir_ = tmp_.path();
    std::unique_ptr<SimulatedFirmware> firmware_;
    std::unique_ptr<FakeSevHost> host_;
    std::unique_ptr<LibvirtBackend> backend_;
};

TEST_P(PreAttestedOnLibvirt, VerifiedLaunchInjectsThroughSetLaunchSecurityState) {
    const std::string name = std::string("lvb-ok-") + GetParam().tee;
    const VmPlan p = plan(name);
    ASSERT_TRUE(p.expected.values.contains("launch_digest"));
    RunInsteadOfPaused backend(*backend_);
    PreAttestedLaunch flow("libvirt", dir_ / "vms", GetParam().scheme());
    const LaunchOutcome out = flow.launch(backend, p, luks_key());
    EXPECT_EQ(out.state, VmState::running) << out.reason;
    ASSERT_TRUE(out.attestation.has_value());
    EXPECT_EQ(out.attestation->verdict, LaunchVerdict::ok);
    EXPECT_EQ(out.attestation->backend, "libvirt");
    ASSERT_TRUE(out.attestation->platform.has_value());
    EXPECT_EQ(out.attestation->platform->policy, 0x1u);
    EXPECT_EQ(out.launch_measurement.size(), 48u);  // MEASURE || MNONCE

    // The order the firmware needs: PDH, (define + start), LAUNCH_MEASURE, LAUNCH_SECRET, resume.
    EXPECT_EQ(host_->calls_made, (std::vector<std::string>{"node-sev-info", "launch-security-info " + name,
                                                           "set-launch-security-state " + name}));
    EXPECT_EQ(backend.resumed, std::vector<std::string>{name});
    const libvirt::TypedParams& sent = host_->injected.at(name);
    EXPECT_EQ(sent.size(), 2u);  // sev-secret-header and sev-secret; OVMF's secret area, no set-address
    EXPECT_EQ(from_base64(std::get<std::string>(sent.at("sev-secret-header"))).size(), 52u);
    // The decrypted packet is the secret table (GUID table of Linux drivers/virt/coco/efi_secret/efi_secret.c, libvirt
    // padding).
    EXPECT_GE(host_->accepted.at(name), secret::kSecretTableHeaderSize + 28);

    // The session made for this firmware's PDH is what libvirt's <dhCert>/<session> carry.
    const LaunchStartInput in = launch_start_input(backend_->domain_xml(name));
    EXPECT_EQ(in.dh_cert.size(), 2084u);
    EXPECT_EQ(in.session.size(), GetParam().session_size);
    EXPECT_EQ(in.policy, 0x1u);
    EXPECT_EQ(backend_->state(name), DomainState::running);
    backend_->destroy(name);
    backend_->undefine(name);
}

TEST_P(PreAttestedOnLibvirt, MismatchDestroysTheDomainWithoutInjecting) {
    const std::string name = std::string("lvb-bad-") + GetParam().tee;
    const VmPlan p = plan(name);
    {
        // The firmware that boots (ccvmd's copy) changes after the VM was measured.
        const fs::path copy = dir_ / "vms" / name / "inputs" / "firmware";
        std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(copy) / 2));
        f.put('\x5a');
    }
    RunInsteadOfPaused backend(*backend_);
    PreAttestedLaunch flow("libvirt", dir_ / "vms", GetParam().scheme());
    const LaunchOutcome out = flow.launch(backend, p, luks_key());
    EXPECT_EQ(out.state, VmState::failed);
    EXPECT_NE(out.reason.find("launch measurement mismatch"), std::string::npos) << out.reason;
    EXPECT_NE(out.reason.find("no secret injected, domain destroyed"), std::string::npos) << out.reason;
    ASSERT_TRUE(out.attestation.has_value());
    EXPECT_EQ(out.attestation->verdict, LaunchVerdict::mismatch);
    EXPECT_EQ(host_->calls_made, (std::vector<std::string>{"node-sev-info", "launch-security-info " + name}));
    EXPECT_TRUE(host_->injected.empty());
    EXPECT_TRUE(backend.resumed.empty());
    EXPECT_EQ(backend_->state(name), DomainState::shutoff);  // destroyed in the real test driver
    backend_->undefine(name);
}

TEST_P(PreAttestedOnLibvirt, PausedStartIsRefusedByTheTestDriverAfterTheSessionIsDefined) {
    // Without the shim, the real test driver refuses the paused start the flow needs (libvirt src/test/test_driver.c):
    // the error names libvirt's reason, and the domain it defined carries the family's session.
    const std::string name = std::string("lvb-paused-") + GetParam().tee;
    const VmPlan p = plan(name);
    PreAttestedLaunch flow("libvirt", dir_ / "vms", GetParam().scheme());
    try {
        flow.launch(*backend_, p, {});
        FAIL() << "test:///default cannot start paused";
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::libvirt);
        EXPECT_NE(std::string(e.what()).find("unsupported flags (0x1) in function testDomainCreateWithFlags"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(launch_start_input(backend_->domain_xml(name)).session.size(), GetParam().session_size);
    backend_->undefine(name);
}

INSTANTIATE_TEST_SUITE_P(Families, PreAttestedOnLibvirt,
                         ::testing::Values(FlowCase{"sev", make_simulated_sev_firmware, sev_pre_attestation, 128},
                                           FlowCase{"csv", make_simulated_csv_firmware, csv_pre_attestation, 772}),
                         [](const auto& p) { return std::string(p.param.tee); });

TEST(LibvirtBackendFake, WrongPdhFamilyIsNamed) {
    // A Hygon host asked for an AMD session (or the reverse): the PDH does not parse as the other's.
    auto csv_firmware = make_simulated_csv_firmware();
    FakeSevHost host(*csv_firmware);
    LibvirtBackend b(kUri, host.calls());
    const Bytes pdh = b.sev_pdh(LaunchFirmware::amd_sev);
    EXPECT_EQ(pdh, csv_firmware->pdh());
    EXPECT_THROW(sev_pre_attestation().create_session(pdh, 0x1), InputError);
    EXPECT_NO_THROW(csv_pre_attestation().create_session(pdh, 0x1));
}

}  // namespace
}  // namespace ccvm::daemon
