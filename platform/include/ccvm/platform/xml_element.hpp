// A minimal XML element tree for building libvirt documents; serialization escapes every value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccvm::platform {

struct XmlElement {
    std::string tag;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;
    std::vector<XmlElement> children;

    XmlElement() = default;
    explicit XmlElement(std::string t, std::string txt = {}) : tag(std::move(t)), text(std::move(txt)) {}

    XmlElement& attr(std::string name, std::string value) {
        attributes.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    // Appends a child and returns it, for building nested elements in place.
    XmlElement& add(XmlElement child) {
        children.push_back(std::move(child));
        return children.back();
    }
    XmlElement& add(std::string t, std::string txt = {}) { return add(XmlElement(std::move(t), std::move(txt))); }

    // Indented with two spaces per level; attribute values in single quotes as libvirt writes them.
    std::string serialize(int indent = 0) const;
};

std::string xml_escape(std::string_view s);

}  // namespace ccvm::platform
