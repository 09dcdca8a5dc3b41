// The libxml2 reader of libvirt's XML: every well-formed spelling reads the same, and a malformed
// document is one InputError line naming it.
#include "ccvm/libvirt/xml_document.hpp"

#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"

namespace ccvm::libvirt {
namespace {

TEST(XmlDocument, ReadsAttributesTextAndChildrenWhateverTheSpelling) {
    const XmlDocument doc = XmlDocument::parse(
        "<?xml version=\"1.0\"?>\n<!-- a comment with <launchSecurity type='tdx'> -->\n"
        "<domain type=\"kvm\"><name>a&amp;b&#x21;</name><launchSecurity\n type = 'sev' >"
        "<policy>0x0001</policy><dhCert><![CDATA[AA==]]></dhCert></launchSecurity>"
        "<devices><disk/><disk device='cdrom'/></devices></domain>",
        "domain XML");
    const XmlNode root = doc.root();
    EXPECT_EQ(root.name(), "domain");
    EXPECT_EQ(root.attribute("type"), "kvm");
    EXPECT_EQ(root.attribute("absent"), std::nullopt);
    EXPECT_EQ(root.child("name")->text(), "a&b!");
    const auto ls = root.child("launchSecurity");
    ASSERT_TRUE(ls.has_value());
    EXPECT_EQ(ls->attribute("type"), "sev");
    EXPECT_EQ(ls->child("policy")->text(), "0x0001");
    EXPECT_EQ(ls->child("dhCert")->text(), "AA==");
    EXPECT_EQ(ls->child("session"), std::nullopt);
    const auto disks = root.child("devices")->children("disk");
    ASSERT_EQ(disks.size(), 2u);
    EXPECT_EQ(disks[1].attribute("device"), "cdrom");
}

TEST(XmlDocument, MalformedDocumentIsAnInputErrorNamingIt) {
    for (const char* bad : {"", "<domain>", "<domain></domian>", "<a/><b/>", "not xml", "<d a='1' a='2'/>"}) {
        try {
            XmlDocument::parse(bad, "domain XML of vm1");
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const InputError& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind("domain XML of vm1: not well-formed XML: ", 0), 0u) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
}

TEST(XmlDocument, NeverExpandsExternalEntities) {
    // An external entity must stay unresolved: no file is read into the document.
    const XmlDocument doc =
        XmlDocument::parse("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><d><name>&x;</name></d>", "doc");
    EXPECT_EQ(doc.root().child("name")->text().find("root:"), std::string::npos);
}

TEST(XmlDocument, InsertedElementIsEscapedOnOutput) {
    XmlDocument doc = XmlDocument::parse("<domain type='kvm'>\n  <name>x</name>\n</domain>\n", "doc");
    doc.root().child("name")->insert_after("uuid", "<&>");
    EXPECT_EQ(doc.serialize(), "<domain type=\"kvm\">\n  <name>x</name><uuid>&lt;&amp;&gt;</uuid>\n</domain>");
}

}  // namespace
}  // namespace ccvm::libvirt
