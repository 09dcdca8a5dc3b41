// The libvirt wrapper against libvirt's in-process test driver (test:///default, libvirt.md §4).
#include <gtest/gtest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "ccvm/libvirt/connection.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::libvirt {
namespace {

using platform::parse_vm_spec;
using platform::render_domain_xml;

constexpr const char* kUri = "test:///default";

std::string sev_domain(const std::string& name) {
    return render_domain_xml(parse_vm_spec("name: " + name +
                                               "\nmemory: 1G\nvcpus: 2\nfirmware: /fw/OVMF.amdsev.fd\nkernel: /k\n"
                                               "tee:\n  type: sev\n  kernel-hashes: true\n  policy: 0x3\n"
                                               "host:\n  cbitpos: 51\n  reduced-phys-bits: 1\n"
                                               "libvirt:\n  uri: test:///default\n  domain-type: test\n",
                                           "sev.yaml"));
}

class EventLog {
public:
    void add(const DomainEvent& e) {
        std::lock_guard lock(mu_);
        events_.push_back(std::string(event_name(e.event)) + ":" + e.domain);
        cv_.notify_all();
    }
    // Waits until `count` events arrived (or 10 s passed) and returns them.
    std::vector<std::string> wait_for(std::size_t count) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= count; });
        return events_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::string> events_;
};

TEST(LibvirtTestDriver, SevDomainLifecycleWithEvents) {
    auto conn = LibvirtConnection::open(kUri);
    EXPECT_EQ(conn.uri(), kUri);
    EventLog log;
    auto sub = conn.subscribe_lifecycle([&](const DomainEvent& e) { log.add(e); });

    Domain dom = conn.define_domain(sev_domain("ccvm-sev-1"));
    EXPECT_EQ(dom.name(), "ccvm-sev-1");
    EXPECT_EQ(dom.state(), DomainState::shutoff);
    std::string xml = dom.xml();
    EXPECT_NE(xml.find("<launchSecurity type='sev' kernelHashes='yes'>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<policy>0x0003</policy>"), std::string::npos);

    dom.start(false);
    EXPECT_EQ(dom.state(), DomainState::running);
    dom.destroy();
    EXPECT_EQ(dom.state(), DomainState::shutoff);
    dom.undefine();
    EXPECT_FALSE(conn.lookup_domain("ccvm-sev-1").has_value());

    auto events = log.wait_for(4);
    EXPECT_EQ(events, (std::vector<std::string>{"defined:ccvm-sev-1", "started:ccvm-sev-1", "stopped:ccvm-sev-1",
                                                "undefined:ccvm-sev-1"}));
}

TEST(LibvirtTestDriver, RedefinitionKeepsTheUuid) {
    auto conn = LibvirtConnection::open(kUri);
    std::string uuid = conn.define_domain(sev_domain("ccvm-sev-2")).uuid();
    EXPECT_EQ(uuid.size(), 36u);
    // Without the lookup, libvirt would refuse: "domain 'X' already exists with uuid ..." (libvirt.md §12).
    Domain again = conn.define_domain(sev_domain("ccvm-sev-2"));
    EXPECT_EQ(again.uuid(), uuid);
    again.undefine();
}

TEST(LibvirtTestDriver, UnsupportedCallsAreLibvirtErrors) {
    auto conn = LibvirtConnection::open(kUri);
    Domain dom = conn.define_domain(sev_domain("ccvm-sev-3"));
    try {
        dom.start(true);
        FAIL() << "the test driver has no paused start";
    } catch (const LibvirtError& e) {
        EXPECT_EQ(e.code, VIR_ERR_INVALID_ARG);
        EXPECT_EQ(std::string(e.what()),
                  "libvirt: start ccvm-sev-3: unsupported flags (0x1) in function testDomainCreateWithFlags");
    }
    dom.start(false);
    try {
        dom.launch_security_info();
        FAIL() << "the test driver cannot report launch security info (libvirt.md §4)";
    } catch (const LibvirtError& e) {
        EXPECT_EQ(e.code, VIR_ERR_INVALID_ARG);
        EXPECT_EQ(e.domain, VIR_FROM_TEST);
        EXPECT_NE(std::string(e.what()).find("unsupported flags (0x4) in function testDomainGetLaunchSecurityInfo"),
                  std::string::npos);
    }
    try {
        dom.set_launch_security_state("aGVhZGVy", "c2VjcmV0", 0x800000);
        FAIL() << "the test driver cannot inject secrets";
    } catch (const LibvirtError& e) {
        EXPECT_EQ(e.code, VIR_ERR_NO_SUPPORT);
        EXPECT_NE(std::string(e.what()).find(
                      "this function is not supported by the connection driver: virDomainSetLaunchSecurityState"),
                  std::string::npos);
    }
    EXPECT_THROW(dom.resume(), LibvirtError);  // running, not paused
    dom.destroy();
    dom.undefine();
}

TEST(LibvirtTestDriver, Libvirt9RejectsSnpAtParse) {
    auto conn = LibvirtConnection::open(kUri);
    std::string xml = render_domain_xml(parse_vm_spec(
        "name: ccvm-snp\nmemory: 1G\nfirmware: /fw.fd\ntee: sev-snp\nlibvirt:\n  domain-type: test\n", "snp.yaml"));
    try {
        conn.define_domain(xml);
        FAIL() << "libvirt 9.0 has no sev-snp";
    } catch (const LibvirtError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "libvirt: define domain: XML error: Invalid value for attribute 'type' in element "
                  "'launchSecurity': 'sev-snp'.");
    }
}

TEST(LibvirtTestDriver, ListsAndLooksUpDomains) {
    auto conn = LibvirtConnection::open(kUri);
    bool found = false;
    for (const Domain& d : conn.list_domains()) found = found || d.name() == "test";  // the driver's built-in domain
    EXPECT_TRUE(found);
    auto builtin = conn.lookup_domain("test");
    ASSERT_TRUE(builtin.has_value());
    EXPECT_EQ(builtin->state(), DomainState::running);
    EXPECT_FALSE(conn.lookup_domain("no-such-domain").has_value());
}

TEST(LibvirtTestDriver, OpenFailureIsASystemError) {
    EXPECT_THROW(LibvirtConnection::open("nosuchdriver:///x"), SystemError);
}

TEST(LibvirtTypedParams, ConvertsEveryType) {
    ASSERT_EQ(virInitialize(), 0);  // the typed-parameter helpers need libvirt's allocator set up
    virTypedParameterPtr params = nullptr;
    int n = 0, max = 0;
    ASSERT_EQ(virTypedParamsAddString(&params, &n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT, "bWVhc3VyZQ=="),
              0);
    ASSERT_EQ(virTypedParamsAddUInt(&params, &n, &max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR, 1), 0);
    ASSERT_EQ(virTypedParamsAddULLong(&params, &n, &max, "sev-snp-policy", 0x30000), 0);
    ASSERT_EQ(virTypedParamsAddInt(&params, &n, &max, "i", -5), 0);
    ASSERT_EQ(virTypedParamsAddBoolean(&params, &n, &max, "b", 1), 0);
    TypedParams m = typed_params_to_map(params, n);
    virTypedParamsFree(params, n);
    EXPECT_EQ(std::get<std::string>(m.at("sev-measurement")), "bWVhc3VyZQ==");
    EXPECT_EQ(std::get<unsigned>(m.at("sev-api-major")), 1u);
    EXPECT_EQ(std::get<unsigned long long>(m.at("sev-snp-policy")), 0x30000ull);
    EXPECT_EQ(std::get<int>(m.at("i")), -5);
    EXPECT_EQ(std::get<bool>(m.at("b")), true);
}

// A virTypedParameter array as libvirt hands it out (virTypedParamsAdd*), freed with the test.
struct ParamSource {
    virTypedParameterPtr params = nullptr;
    int n = 0, max = 0;
    ParamSource() { EXPECT_EQ(virInitialize(), 0); }
    ~ParamSource() { virTypedParamsFree(params, n); }
    ParamSource& str(const char* k, const char* v) { return check(virTypedParamsAddString(&params, &n, &max, k, v)); }
    ParamSource& uint(const char* k, unsigned v) { return check(virTypedParamsAddUInt(&params, &n, &max, k, v)); }
    ParamSource& ullong(const char* k, unsigned long long v) {
        return check(virTypedParamsAddULLong(&params, &n, &max, k, v));
    }
    TypedParams map() const { return typed_params_to_map(params, n); }
    ParamSource& check(int rc) {
        EXPECT_EQ(rc, 0);
        return *this;
    }
};

std::string error_of(const TypedParams& p) {
    try {
        sev_node_info(p);
    } catch (const LibvirtError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(SevNodeInfo, EveryParameterOfLibvirt8) {
    ParamSource src;
    // libvirt.md §10: pdh and cert-chain are base64 strings, the rest uint, cpu0-id a string.
    src.str(VIR_NODE_SEV_PDH, "AAEC/w==")
        .str(VIR_NODE_SEV_CERT_CHAIN, "3q2+7w==")
        .uint(VIR_NODE_SEV_CBITPOS, 51)
        .uint(VIR_NODE_SEV_REDUCED_PHYS_BITS, 1)
        .uint(VIR_NODE_SEV_MAX_GUESTS, 15)
        .uint(VIR_NODE_SEV_MAX_ES_GUESTS, 494)
        .str(VIR_NODE_SEV_CPU0_ID, "Y3B1MA==");
    const SevNodeInfo info = sev_node_info(src.map());
    EXPECT_EQ(info.pdh, (Bytes{std::byte{0x00}, std::byte{0x01}, std::byte{0x02}, std::byte{0xff}}));
    EXPECT_EQ(info.cert_chain, (Bytes{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe}, std::byte{0xef}}));
    EXPECT_EQ(info.cbitpos, 51u);
    EXPECT_EQ(info.reduced_phys_bits, 1u);
    EXPECT_EQ(info.max_guests, 15u);
    EXPECT_EQ(info.max_es_guests, 494u);
    EXPECT_EQ(info.cpu0_id, "Y3B1MA==");
}

TEST(SevNodeInfo, Libvirt45ParametersOnly) {
    ParamSource src;
    src.str("pdh", "AA==").str("cert-chain", "AA==").uint("cbitpos", 47).uint("reduced-phys-bits", 5);
    const SevNodeInfo info = sev_node_info(src.map());
    EXPECT_EQ(info.cbitpos, 47u);
    EXPECT_EQ(info.reduced_phys_bits, 5u);
    EXPECT_FALSE(info.max_guests.has_value());
    EXPECT_FALSE(info.max_es_guests.has_value());
    EXPECT_FALSE(info.cpu0_id.has_value());
}

TEST(SevNodeInfo, MissingOrMistypedParametersAreNamed) {
    {
        ParamSource src;
        src.str("cert-chain", "AA==").uint("cbitpos", 47).uint("reduced-phys-bits", 5);
        EXPECT_EQ(error_of(src.map()), "libvirt: node SEV info has no 'pdh'");
    }
    {
        ParamSource src;
        src.str("pdh", "AA==").str("cert-chain", "AA==").ullong("cbitpos", 47).uint("reduced-phys-bits", 5);
        EXPECT_EQ(error_of(src.map()), "libvirt: node SEV info 'cbitpos' is not an unsigned integer");
    }
    {
        ParamSource src;
        src.uint("pdh", 1).str("cert-chain", "AA==").uint("cbitpos", 47).uint("reduced-phys-bits", 5);
        EXPECT_EQ(error_of(src.map()), "libvirt: node SEV info 'pdh' is not a string");
    }
    {
        ParamSource src;
        src.str("pdh", "not base64!").str("cert-chain", "AA==").uint("cbitpos", 47).uint("reduced-phys-bits", 5);
        EXPECT_NE(error_of(src.map()).find("node SEV info 'pdh'"), std::string::npos) << error_of(src.map());
    }
}

TEST(SevLaunchInfo, LaunchMeasureParameters) {
    ParamSource src;
    // 48 bytes: MEASURE || MNONCE, base64 as libvirt passes QEMU's query-sev-launch-measure answer on.
    const std::string b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
    src.str(VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT, b64.c_str())
        .uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR, 1)
        .uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR, 49)
        .uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID, 6)
        .uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY, 0x5);
    const SevLaunchInfo info = sev_launch_info(src.map());
    ASSERT_EQ(info.measurement.size(), 48u);
    for (std::size_t i = 0; i < 48; ++i) EXPECT_EQ(info.measurement[i], static_cast<std::byte>(i));
    EXPECT_EQ(info.api_major, 1u);
    EXPECT_EQ(info.api_minor, 49u);
    EXPECT_EQ(info.build_id, 6u);
    EXPECT_EQ(info.policy, 5u);
}

TEST(SevLaunchInfo, DomainWithoutSevReportsNothing) {
    // libvirt.md §12: domlaunchsecinfo on a plain domain succeeds with 0 parameters.
    try {
        sev_launch_info({});
        FAIL();
    } catch (const LibvirtError& e) {
        EXPECT_EQ(std::string(e.what()), "libvirt: launch security info has no 'sev-measurement'");
    }
    ParamSource src;
    src.str("sev-measurement", "AA==").ullong("sev-api-major", 1);
    try {
        sev_launch_info(src.map());
        FAIL();
    } catch (const LibvirtError& e) {
        EXPECT_EQ(std::string(e.what()), "libvirt: launch security info 'sev-api-major' is not an unsigned integer");
    }
}

TEST(SevNodeInfo, TestDriverHasNoSev) {
    auto conn = LibvirtConnection::open(kUri);
    try {
        conn.sev_info();
        FAIL() << "libvirt.md §4: the test driver has no virNodeGetSEVInfo";
    } catch (const LibvirtError& e) {
        EXPECT_EQ(e.code, VIR_ERR_NO_SUPPORT);
        EXPECT_TRUE(e.unsupported());
        EXPECT_EQ(std::string(e.what()),
                  "libvirt: node SEV info: this function is not supported by the connection driver: virNodeGetSEVInfo");
    }
}

TEST(SevNodeInfo, ComesFromTheConnectionsLaunchSecurityCalls) {
    LaunchSecurityCalls calls = LaunchSecurityCalls::libvirt();
    int seen = 0;
    calls.node_get_sev_info = [&](_virConnect* c, _virTypedParameter** params, int* n, unsigned flags) {
        ++seen;
        EXPECT_NE(c, nullptr);
        EXPECT_EQ(flags, 0u);
        int max = 0;
        *params = nullptr;
        *n = 0;
        EXPECT_EQ(virTypedParamsAddString(params, n, &max, "pdh", "AQ=="), 0);
        EXPECT_EQ(virTypedParamsAddString(params, n, &max, "cert-chain", "Ag=="), 0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, "cbitpos", 51), 0);
        EXPECT_EQ(virTypedParamsAddUInt(params, n, &max, "reduced-phys-bits", 1), 0);
        return 0;
    };
    auto conn = LibvirtConnection::open(kUri, calls);
    const SevNodeInfo info = conn.sev_info();
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(info.pdh, Bytes{std::byte{0x01}});
    EXPECT_EQ(info.cert_chain, Bytes{std::byte{0x02}});
    // Domains of that connection use its calls too; lifecycle stays the real test driver's.
    calls.domain_get_launch_security_info = [](_virDomain*, _virTypedParameter** params, int* n, unsigned) {
        int max = 0;
        *params = nullptr;
        *n = 0;
        return virTypedParamsAddString(params, n, &max, "sev-measurement", "AA==");
    };
    auto conn2 = LibvirtConnection::open(kUri, calls);
    Domain dom = conn2.define_domain(sev_domain("ccvm-sev-calls"));
    dom.start(false);
    EXPECT_EQ(std::get<std::string>(dom.launch_security_info().at("sev-measurement")), "AA==");
    dom.destroy();
    dom.undefine();
}

TEST(DomainXmlText, NameAndUuidInsertion) {
    std::string xml = "<domain type='kvm'>\n  <name>a&amp;b</name>\n</domain>\n";
    EXPECT_EQ(domain_xml_name(xml), "a&b");
    EXPECT_EQ(
        domain_xml_with_uuid(xml, "0f0e0d0c-0b0a-0908-0706-050403020100"),
        "<domain type=\"kvm\">\n  <name>a&amp;b</name><uuid>0f0e0d0c-0b0a-0908-0706-050403020100</uuid>\n</domain>");
    EXPECT_EQ(domain_xml_name("<domain/>"), std::nullopt);
    // A <name> elsewhere (here in a comment and in <metadata>) is not the domain's name.
    EXPECT_EQ(domain_xml_name("<domain><!-- <name>x</name> --><metadata><name>y</name></metadata></domain>"),
              std::nullopt);
    EXPECT_THROW(domain_xml_name("<domain><name>x</domain>"), InputError);
}

}  // namespace
}  // namespace ccvm::libvirt
