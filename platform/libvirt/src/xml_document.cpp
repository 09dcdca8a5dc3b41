#include "ccvm/libvirt/xml_document.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <mutex>

#include "ccvm/base/error.hpp"

namespace ccvm::libvirt {
namespace {

const xmlChar* xc(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const char* cc(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

struct XmlFree {
    void operator()(xmlChar* s) const noexcept { xmlFree(s); }
};
using XmlString = std::unique_ptr<xmlChar, XmlFree>;

struct ParserCtxtFree {
    void operator()(xmlParserCtxt* c) const noexcept { xmlFreeParserCtxt(c); }
};
struct BufferFree {
    void operator()(xmlBuffer* b) const noexcept { xmlBufferFree(b); }
};

bool is_element(const xmlNode* n, std::string_view name) {
    return n->type == XML_ELEMENT_NODE && n->name != nullptr && std::string_view(cc(n->name)) == name;
}

// libxml2's global state must be set up once before threads use it (xmlInitParser(3)).
void init_libxml2() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

std::string XmlNode::name() const { return cc(node_->name); }

std::optional<std::string> XmlNode::attribute(std::string_view name) const {
    const std::string key(name);
    XmlString value(xmlGetNoNsProp(node_, xc(key.c_str())));
    if (value == nullptr) return std::nullopt;
    return std::string(cc(value.get()));
}

std::string XmlNode::text() const {
    XmlString content(xmlNodeGetContent(node_));
    return content != nullptr ? std::string(cc(content.get())) : std::string();
}

std::optional<XmlNode> XmlNode::child(std::string_view name) const {
    for (xmlNode* c = node_->children; c != nullptr; c = c->next)
        if (is_element(c, name)) return XmlNode(c);
    return std::nullopt;
}

std::vector<XmlNode> XmlNode::children(std::string_view name) const {
    std::vector<XmlNode> out;
    for (xmlNode* c = node_->children; c != nullptr; c = c->next)
        if (is_element(c, name)) out.push_back(XmlNode(c));
    return out;
}

XmlNode XmlNode::insert_after(std::string_view name, std::string_view text) {
    const std::string tag(name), content(text);
    // The raw variant: `content` is plain text, escaped on output (xmlNewDocNode would read entities in it).
    xmlNode* node = xmlNewDocRawNode(node_->doc, nullptr, xc(tag.c_str()), xc(content.c_str()));
    if (node == nullptr) throw SystemError("libxml2: cannot create <" + tag + ">");
    if (xmlAddNextSibling(node_, node) == nullptr) {
        xmlFreeNode(node);
        throw SystemError("libxml2: cannot insert <" + tag + ">");
    }
    return XmlNode(node);
}

void XmlDocument::Free::operator()(_xmlDoc* doc) const noexcept { xmlFreeDoc(doc); }

XmlDocument XmlDocument::parse(std::string_view text, std::string_view source) {
    init_libxml2();
    if (text.size() > static_cast<std::size_t>(INT_MAX))
        throw InputError(std::string(source) + ": XML document too large");
    std::unique_ptr<xmlParserCtxt, ParserCtxtFree> ctxt(xmlNewParserCtxt());
    if (ctxt == nullptr) throw SystemError("libxml2: cannot create a parser");
    // No XML_PARSE_NOENT or XML_PARSE_DTDLOAD: entities are never expanded from outside the text.
    constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDoc* doc = xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), nullptr, nullptr, kOptions);
    XmlDocument out(doc);
    if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
        const xmlError* e = xmlCtxtGetLastError(ctxt.get());
        std::string why = e != nullptr && e->message != nullptr ? e->message : "no root element";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        const std::string line = e != nullptr && e->line > 0 ? " (line " + std::to_string(e->line) + ")" : "";
        throw InputError(std::string(source) + ": not well-formed XML: " + why + line);
    }
    return out;
}

XmlNode XmlDocument::root() const noexcept { return XmlNode(xmlDocGetRootElement(doc_.get())); }

std::string XmlDocument::serialize() const {
    std::unique_ptr<xmlBuffer, BufferFree> buffer(xmlBufferCreate());
    if (buffer == nullptr || xmlNodeDump(buffer.get(), doc_.get(), xmlDocGetRootElement(doc_.get()), 0, 0) < 0)
        throw SystemError("libxml2: cannot serialize a document");
    return std::string(cc(xmlBufferContent(buffer.get())), static_cast<std::size_t>(xmlBufferLength(buffer.get())));
}

}  // namespace ccvm::libvirt
