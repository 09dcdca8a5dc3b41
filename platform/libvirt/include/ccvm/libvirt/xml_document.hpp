// Reading the XML documents libvirt hands out (domain XML, domain capabilities) with libxml2, so
// every well-formed spelling (either quote, entities, comments, attribute order) reads the same.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace ccvm::libvirt {

// One element of an XmlDocument; valid while the document lives.
class XmlNode {
public:
    std::string name() const;
    // The attribute's value with entities resolved; nullopt when the element has none.
    std::optional<std::string> attribute(std::string_view name) const;
    // The element's text content (all descendant text, entities resolved).
    std::string text() const;
    // The first child element called `name`, and all of them in document order.
    std::optional<XmlNode> child(std::string_view name) const;
    std::vector<XmlNode> children(std::string_view name) const;
    // Inserts <name>text</name> right after this element; `text` is escaped when serialized.
    XmlNode insert_after(std::string_view name, std::string_view text);

private:
    friend class XmlDocument;
    explicit XmlNode(_xmlNode* node) noexcept : node_(node) {}
    _xmlNode* node_;
};

class XmlDocument {
public:
    // Parses `text` without network access, DTD loading or entity substitution; InputError naming
    // `source` with libxml2's message (and line) when it is not well-formed.
    static XmlDocument parse(std::string_view text, std::string_view source);

    XmlNode root() const noexcept;
    // The root element as XML text, without an XML declaration.
    std::string serialize() const;

private:
    struct Free {
        void operator()(_xmlDoc* doc) const noexcept;
    };
    explicit XmlDocument(_xmlDoc* doc) noexcept : doc_(doc) {}
    std::unique_ptr<_xmlDoc, Free> doc_;
};

}  // namespace ccvm::libvirt
