#include "ccvm/firmware-measure/tdx/pe_authenticode.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::tdx {
namespace {

// PE/COFF spec: header offsets used by edk2's measurement.
constexpr std::size_t kLfanewOffset = 0x3c;
constexpr std::uint32_t kPeSignature = 0x00004550;  // "PE\0\0"
constexpr std::uint16_t kMagicPe32 = 0x10b;
constexpr std::uint16_t kMagicPe32Plus = 0x20b;
constexpr std::size_t kSectionHeaderSize = 40;
constexpr std::uint32_t kSecurityDirectoryIndex = 4;

// The image as the firmware sees it: `head` replaces the first bytes of `body`.
class PatchedView {
public:
    PatchedView(ByteSpan body, ByteSpan head, std::string_view source) : body_(body), head_(head), source_(source) {
        if (head_.size() > body_.size()) throw SystemError("internal: header override longer than the image");
    }
    std::size_t size() const noexcept { return body_.size(); }

    template <typename T>
    T load(std::size_t off, const char* what) const {
        checked_subspan(body_, off, sizeof(T), std::string(source_) + ": PE " + what);
        if (off + sizeof(T) <= head_.size()) return load_le<T>(head_, off);
        if (off >= head_.size()) return load_le<T>(body_, off);
        std::byte tmp[sizeof(T)];
        for (std::size_t i = 0; i < sizeof(T); ++i) tmp[i] = at(off + i);
        return load_le<T>(ByteSpan(tmp, sizeof(T)), 0);
    }

    void feed(Hasher& h, std::size_t begin, std::size_t end, const char* what) const {
        if (begin > end || end > body_.size()) {
            throw InputError(std::string(source_) + ": PE " + what + " range [" + std::to_string(begin) + ", " +
                             std::to_string(end) + ") is outside the " + std::to_string(body_.size()) + "-byte file");
        }
        if (begin < head_.size()) {
            const std::size_t split = std::min(end, head_.size());
            h.update(head_.subspan(begin, split - begin));
            begin = split;
        }
        if (begin < end) h.update(body_.subspan(begin, end - begin));
    }

private:
    std::byte at(std::size_t off) const { return off < head_.size() ? head_[off] : body_[off]; }
    ByteSpan body_, head_;
    std::string_view source_;
};

struct Section {
    std::uint32_t raw_offset;
    std::uint32_t raw_size;
};

}  // namespace

Bytes authenticode_digest(HashAlgo algo, ByteSpan image, ByteSpan header_override, std::string_view source) {
    const PatchedView pe(image, header_override, source);
    const std::size_t pe_off = pe.load<std::uint32_t>(kLfanewOffset, "e_lfanew");
    if (pe.load<std::uint32_t>(pe_off, "signature") != kPeSignature) {
        throw InputError(std::string(source) + ": not a PE/COFF image (no \"PE\\0\\0\" signature at e_lfanew " +
                         std::to_string(pe_off) + ")");
    }
    const std::size_t coff = pe_off + 4;
    const std::size_t num_sections = pe.load<std::uint16_t>(coff + 2, "NumberOfSections");
    const std::size_t opt_size = pe.load<std::uint16_t>(coff + 16, "SizeOfOptionalHeader");
    const std::size_t opt = coff + 20;
    const std::uint16_t magic = pe.load<std::uint16_t>(opt, "optional header magic");
    if (magic != kMagicPe32 && magic != kMagicPe32Plus) {
        throw InputError(std::string(source) + ": unknown PE optional header magic " + std::to_string(magic));
    }
    const bool plus = magic == kMagicPe32Plus;
    const std::size_t checksum = opt + 64;
    const std::size_t size_of_headers = pe.load<std::uint32_t>(opt + 60, "SizeOfHeaders");
    const std::uint32_t rva_count = pe.load<std::uint32_t>(opt + (plus ? 108 : 92), "NumberOfRvaAndSizes");
    const std::size_t cert_dir = opt + (plus ? 112 : 96) + kSecurityDirectoryIndex * 8;

    Hasher h(algo);
    pe.feed(h, 0, checksum, "header");
    std::uint32_t cert_size = 0;
    if (rva_count <= kSecurityDirectoryIndex) {
        pe.feed(h, checksum + 4, size_of_headers, "header");
    } else {
        cert_size = pe.load<std::uint32_t>(cert_dir + 4, "certificate table size");
        pe.feed(h, checksum + 4, cert_dir, "header");
        pe.feed(h, cert_dir + 8, size_of_headers, "header");
    }

    std::vector<Section> sections;
    const std::size_t table = opt + opt_size;
    for (std::size_t i = 0; i < num_sections; ++i) {
        const std::size_t sh = table + i * kSectionHeaderSize;
        Section s{pe.load<std::uint32_t>(sh + 20, "PointerToRawData"),
                  pe.load<std::uint32_t>(sh + 16, "SizeOfRawData")};
        if (s.raw_size != 0) sections.push_back(s);
    }
    std::stable_sort(sections.begin(), sections.end(),
                     [](const Section& a, const Section& b) { return a.raw_offset < b.raw_offset; });
    std::uint64_t hashed = size_of_headers;
    for (const Section& s : sections) {
        pe.feed(h, s.raw_offset, static_cast<std::size_t>(s.raw_offset) + s.raw_size, "section");
        hashed += s.raw_size;
    }
    // Bytes after the last section that are not the attribute certificate table.
    if (pe.size() > hashed) {
        if (pe.size() < hashed + cert_size) {
            throw InputError(std::string(source) + ": PE certificate table (" + std::to_string(cert_size) +
                             " bytes) is larger than the data after the sections");
        }
        pe.feed(h, static_cast<std::size_t>(hashed), pe.size() - cert_size, "trailing data");
    }
    return h.finish();
}

Sha384Digest authenticode_sha384(ByteSpan image, ByteSpan header_override, std::string_view source) {
    Bytes d = authenticode_digest(HashAlgo::sha384, image, header_override, source);
    Sha384Digest out{};
    std::memcpy(out.data(), d.data(), out.size());
    return out;
}

}  // namespace ccvm::tdx
