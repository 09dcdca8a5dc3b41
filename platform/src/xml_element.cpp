#include "ccvm/platform/xml_element.hpp"

namespace ccvm::platform {

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string XmlElement::serialize(int indent) const {
    std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    std::string out = pad + "<" + tag;
    for (const auto& [name, value] : attributes) out += " " + name + "='" + xml_escape(value) + "'";
    if (children.empty() && text.empty()) return out + "/>\n";
    out += ">";
    if (children.empty()) return out + xml_escape(text) + "</" + tag + ">\n";
    out += "\n";
    for (const XmlElement& c : children) out += c.serialize(indent + 1);
    return out + pad + "</" + tag + ">\n";
}

}  // namespace ccvm::platform
