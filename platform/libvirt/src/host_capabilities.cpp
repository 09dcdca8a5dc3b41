#include "ccvm/libvirt/host_capabilities.hpp"

#include "ccvm/libvirt/xml_document.hpp"

namespace ccvm::libvirt {

Version Version::from_libvirt(unsigned long long encoded) noexcept {
    return {static_cast<unsigned>(encoded / 1000000), static_cast<unsigned>(encoded / 1000 % 1000),
            static_cast<unsigned>(encoded % 1000)};
}

std::string Version::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
}

std::vector<std::string> launch_security_types(std::string_view domcaps_xml) {
    const XmlDocument doc = XmlDocument::parse(domcaps_xml, "domain capabilities");
    std::vector<std::string> out;
    const std::optional<XmlNode> features = doc.root().child("features");
    if (!features) return out;
    if (const auto ls = features->child("launchSecurity"); ls && ls->attribute("supported") == "yes") {
        for (const XmlNode& e : ls->children("enum"))
            if (e.attribute("name") == "sectype")
                for (const XmlNode& value : e.children("value")) out.push_back(value.text());
        return out;
    }
    for (const std::string_view feature : {"sev", "sev-snp", "tdx", "s390-pv"})
        if (const auto f = features->child(feature); f && f->attribute("supported") == "yes") out.emplace_back(feature);
    return out;
}

}  // namespace ccvm::libvirt
