// Domain XML per TEE family: golden documents, and every document valid against libvirt's schema.
#include <gtest/gtest.h>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "platform_test_util.hpp"

namespace ccvm::platform {
namespace {

std::string render(const std::string& yaml) { return render_domain_xml(parse_vm_spec(yaml, "t.yaml")); }

TEST(DomainXml, SchemaCheckRejectsInvalidSamples) {
    // The validator itself must be able to fail: the schema's own negative samples.
    for (const char* bad : {"snp-missing-policy.xml", "tdx-socketaddress-child.xml"}) {
        std::string xml = read_text_file(test::schema_dir() / "samples" / "invalid" / bad);
        EXPECT_NE(test::schema_errors(xml), "") << bad;
    }
}

TEST(DomainXml, EveryExampleMatchesItsGoldenAndValidates) {
    for (const auto& f : test::example_specs()) {
        std::string xml = render_domain_xml(load_vm_spec(f));
        auto golden = test::source_dir() / "tests" / "unit" / "platform" / "golden" / (f.stem().string() + ".xml");
        EXPECT_EQ(xml, read_text_file(golden)) << f;
        EXPECT_EQ(test::schema_errors(xml), "") << f;
    }
}

TEST(DomainXml, SevCarriesSessionBlobsFromFiles) {
    test::TempDir dir;
    Bytes cert(2084, std::byte{0x11});
    Bytes session(128, std::byte{0x22});
    auto cert_file = dir.write("godh.cert", std::string(as_chars(cert)));
    auto session_file = dir.write("session.b64", to_base64(session) + "\n");  // sevctl writes base64
    std::string xml = render(
        "name: s\nmemory: 2G\nfirmware: /fw/OVMF.fd\ntee:\n  type: sev-es\n  handle: 7\n"
        "  dh-cert-file: " +
        cert_file.string() + "\n  session-file: " + session_file.string() +
        "\nhost:\n  cbitpos: 47\n  reduced-phys-bits: 1\n");
    EXPECT_NE(xml.find("  <launchSecurity type='sev' kernelHashes='no'>\n    <cbitpos>47</cbitpos>\n"
                       "    <reducedPhysBits>1</reducedPhysBits>\n    <policy>0x0005</policy>\n    <handle>7</handle>\n"
                       "    <dhCert>" +
                       to_base64(cert) + "</dhCert>\n    <session>" + to_base64(session) +
                       "</session>\n  </launchSecurity>\n"),
              std::string::npos)
        << xml;
    EXPECT_EQ(test::schema_errors(xml), "");

    auto short_cert = dir.write("short.cert", "abc");
    EXPECT_THROW(render("name: s\nmemory: 2G\nfirmware: /fw/OVMF.fd\ntee:\n  type: sev\n  dh-cert-file: " +
                        short_cert.string() + "\n  session-file: " + session_file.string() + "\n"),
                 InputError);
}

TEST(DomainXml, SnpWithIdBlockAndEveryAttribute) {
    test::TempDir dir;
    Bytes id_block(96, std::byte{0x33});
    Bytes id_auth(4096, std::byte{0x44});
    auto block = dir.write("id-block.bin", std::string(as_chars(id_block)));
    auto auth = dir.write("id-auth.bin", std::string(as_chars(id_auth)));
    std::string xml = render(
        "name: snp\nmemory: 2G\nfirmware: /fw/OVMF.amdsev.fd\nkernel: /k\ntee:\n  type: sev-snp\n"
        "  kernel-hashes: true\n  author-key: true\n  vcek: false\n  policy: 0xb0000\n"
        "  guest-visible-workarounds: 000102030405060708090a0b0c0d0e0f\n"
        "  host-data: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        "  id-block-file: " +
        block.string() + "\n  id-auth-file: " + auth.string() + "\n");
    EXPECT_NE(xml.find("<launchSecurity type='sev-snp' kernelHashes='yes' authorKey='yes' vcek='no'>"),
              std::string::npos);
    EXPECT_NE(xml.find("<policy>0xb0000</policy>"), std::string::npos);
    EXPECT_NE(xml.find("<guestVisibleWorkarounds>AAECAwQFBgcICQoLDA0ODw==</guestVisibleWorkarounds>"),
              std::string::npos);
    EXPECT_NE(xml.find("<idBlock>" + to_base64(id_block) + "</idBlock>"), std::string::npos);
    EXPECT_NE(xml.find("<idAuth>" + to_base64(id_auth) + "</idAuth>"), std::string::npos);
    EXPECT_NE(xml.find("<loader readonly='yes' type='rom' stateless='yes'>/fw/OVMF.amdsev.fd</loader>"),
              std::string::npos);
    EXPECT_EQ(test::schema_errors(xml), "");
}

TEST(DomainXml, TdxWithEveryOwnerField) {
    std::string h48(96, 'a');
    std::string xml = render(
        "name: td\nmemory: 2G\nfirmware: /fw/OVMF.inteltdx.fd\ntee:\n  type: tdx\n  attributes: 0x10000001\n"
        "  mrconfigid: " +
        h48 + "\n  mrowner: " + h48 + "\n  mrownerconfig: " + h48 + "\n  quote-generation-socket: /run/qgs.sock\n");
    std::string b64 = to_base64(from_hex(h48));
    EXPECT_NE(xml.find("  <launchSecurity type='tdx'>\n    <policy>0x10000001</policy>\n    <mrConfigId>" + b64 +
                       "</mrConfigId>\n    <mrOwner>" + b64 + "</mrOwner>\n    <mrOwnerConfig>" + b64 +
                       "</mrOwnerConfig>\n    <quoteGenerationService path='/run/qgs.sock'/>\n  </launchSecurity>\n"),
              std::string::npos)
        << xml;
    EXPECT_EQ(test::schema_errors(xml), "");
}

TEST(DomainXml, CsvUserIdGoesThroughQemuCommandline) {
    std::string xml = render(
        "name: c\nmemory: 2G\nfirmware: /fw/OVMF.fd\ntee:\n  type: csv\n  policy: 0x81\n  user-id: 9\n"
        "  kernel-hashes: true\nkernel: /k\n");
    EXPECT_EQ(xml.find("<launchSecurity"), std::string::npos);
    EXPECT_NE(xml.find("<qemu:arg value='sev-guest,id=sev0,policy=0x81,cbitpos=51,reduced-phys-bits=1,user-id=9,"
                       "kernel-hashes=on'/>"),
              std::string::npos)
        << xml;
    EXPECT_EQ(test::schema_errors(xml), "");
}

TEST(DomainXml, PlainTcgGuestForDirectKernelBoot) {
    std::string xml = render(
        "name: plain\nmemory: 256M\nmachine: pc\nkernel: /boot/vmlinuz\ninitrd: /tmp/i\n"
        "cmdline: console=ttyS0\nserial-log: /tmp/serial.log\nlibvirt:\n  domain-type: qemu\n");
    EXPECT_TRUE(xml.starts_with("<domain type='qemu'>\n")) << xml;
    EXPECT_EQ(xml.find("<cpu"), std::string::npos);  // TCG: QEMU's default model
    EXPECT_NE(xml.find("<serial type='file'>\n      <source path='/tmp/serial.log'/>"), std::string::npos);
    EXPECT_EQ(xml.find("iommu"), std::string::npos);
    EXPECT_EQ(test::schema_errors(xml), "");
}

TEST(DomainXml, EscapesUserText) {
    std::string xml = render("name: e\nmemory: 256M\nkernel: /k\ncmdline: \"a<b & c='d'\"\n");
    EXPECT_NE(xml.find("<cmdline>a&lt;b &amp; c=&apos;d&apos;</cmdline>"), std::string::npos);
    EXPECT_EQ(test::schema_errors(xml), "");
}

}  // namespace
}  // namespace ccvm::platform
