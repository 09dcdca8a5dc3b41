#include "ccvm/firmware-measure/sev/gctx.hpp"

#include <algorithm>
#include <string>

#include "ccvm/firmware-measure/error.hpp"

namespace ccvm::sev {

std::string_view to_string(PageType type) noexcept {
    switch (type) {
        case PageType::normal: return "NORMAL";
        case PageType::vmsa: return "VMSA";
        case PageType::zero: return "ZERO";
        case PageType::unmeasured: return "UNMEASURED";
        case PageType::secrets: return "SECRETS";
        case PageType::cpuid: return "CPUID";
    }
    return "UNKNOWN";
}

PageInfo make_page_info(const Sha384Digest& ld, const Sha384Digest& contents, PageType type, std::uint64_t gpa) {
    // sev.md §6 / SNP ABI Table 67: LD ‖ CONTENTS ‖ u16 length ‖ page_type ‖ is_imi ‖ vmpl3..1 perms ‖
    // reserved ‖ u64 GPA; ccvm measures no IMI pages and grants no VMPL permissions.
    PageInfo info{};
    std::copy(ld.begin(), ld.end(), info.begin());
    std::copy(contents.begin(), contents.end(), info.begin() + 0x30);
    store_le<std::uint16_t>(info, 0x60, static_cast<std::uint16_t>(kPageInfoSize));
    info[0x62] = std::byte{static_cast<std::uint8_t>(type)};
    store_le<std::uint64_t>(info, 0x68, gpa);
    return info;
}

void GuestContext::update(PageType type, std::uint64_t gpa, const Sha384Digest& contents) {
    ld_ = sha384(make_page_info(ld_, contents, type, gpa));
    if (trace_ != nullptr) {
        trace_->push_back({std::string(to_string(type)), gpa, Bytes(contents.begin(), contents.end()),
                           Bytes(ld_.begin(), ld_.end())});
    }
}

void GuestContext::update_normal_pages(std::uint64_t gpa, ByteSpan data, std::string_view source) {
    if (data.size() % kPageSize != 0) {
        throw InputError(std::string(source) + ": length " + std::to_string(data.size()) +
                         " is not a multiple of 4096; SEV-SNP measures whole pages");
    }
    const std::size_t pages = data.size() / kPageSize;
    // Page contents hash in parallel; only the 112-byte PAGE_INFO chain below is serial.
    std::vector<Sha384Digest> contents(pages);
    hash_chunks(HashAlgo::sha384, data, kPageSize,
                MutableByteSpan(reinterpret_cast<std::byte*>(contents.data()), pages * sizeof(Sha384Digest)));
    for (std::size_t i = 0; i < pages; ++i) update(PageType::normal, gpa + i * kPageSize, contents[i]);
}

void GuestContext::update_vmsa_page(const VmsaPage& page) { update(PageType::vmsa, kVmsaGpa, sha384(page)); }

void GuestContext::update_empty_pages(PageType type, std::uint64_t gpa, std::uint64_t size) {
    if (size % kPageSize != 0) {
        throw InputError("SEV metadata section at GPA " + std::to_string(gpa) + " has size " + std::to_string(size) +
                         ", not a multiple of 4096");
    }
    for (std::uint64_t off = 0; off < size; off += kPageSize) update(type, gpa + off, Sha384Digest{});
}

void GuestContext::update_zero_pages(std::uint64_t gpa, std::uint64_t size) {
    update_empty_pages(PageType::zero, gpa, size);
}
void GuestContext::update_unmeasured_pages(std::uint64_t gpa, std::uint64_t size) {
    update_empty_pages(PageType::unmeasured, gpa, size);
}
void GuestContext::update_secrets_page(std::uint64_t gpa) { update(PageType::secrets, gpa, Sha384Digest{}); }
void GuestContext::update_cpuid_page(std::uint64_t gpa) { update(PageType::cpuid, gpa, Sha384Digest{}); }

}  // namespace ccvm::sev
