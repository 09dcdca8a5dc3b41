// SNP guest context: the launch digest chain over PAGE_INFO records (AMD SEV-SNP ABI spec (pub. 56860)
// SNP_LAUNCH_UPDATE; AMD SEV-SNP ABI spec 8.17.2, Table 67 "Layout of the PAGE_INFO structure").
#pragma once

#include <cstdint>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/measure_trace.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"

namespace ccvm::sev {

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: PAGE_INFO page_type values.
enum class PageType : std::uint8_t {
    normal = 1,
    vmsa = 2,
    zero = 3,
    unmeasured = 4,
    secrets = 5,
    cpuid = 6,
};

std::string_view to_string(PageType type) noexcept;  // "NORMAL", "VMSA", ...

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: PAGE_INFO is 0x70 bytes.
inline constexpr std::size_t kPageInfoSize = 0x70;
// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: the kernel records VMSA pages at GPA -1, page-aligned and
// truncated to 52 bits.
inline constexpr std::uint64_t kVmsaGpa = 0xFFFFFFFFF000ULL;

using PageInfo = std::array<std::byte, kPageInfoSize>;
PageInfo make_page_info(const Sha384Digest& ld, const Sha384Digest& contents, PageType type, std::uint64_t gpa);

// The SHA-384 contents hashes of the BSP's and the APs' VMSA pages, hashed once side by side: every
// AP has the same page, so n vCPUs need two page hashes, not n.
struct VmsaDigests {
    Sha384Digest bsp;
    Sha384Digest ap;
};
VmsaDigests vmsa_page_digests(const VmsaPage& bsp, const VmsaPage& ap);

class GuestContext {
public:
    explicit GuestContext(const Sha384Digest& seed = {}) : ld_(seed), chain_(HashAlgo::sha384) {}

    const Sha384Digest& ld() const noexcept { return ld_; }
    // Records every following update into `trace` (nullptr: none).
    void set_trace(Trace* trace) noexcept { trace_ = trace; }

    void update(PageType type, std::uint64_t gpa, const Sha384Digest& contents);
    // NORMAL pages: contents hashed on all cores while this thread runs the serial PAGE_INFO chain over
    // the pages already hashed, so the chain overlaps the page hashing.
    void update_normal_pages(std::uint64_t gpa, ByteSpan data, std::string_view source = "image");
    void update_vmsa_page(const VmsaPage& page);
    // A VMSA page whose contents hash is already known (see vmsa_page_digests).
    void update_vmsa_digest(const Sha384Digest& contents) { update(PageType::vmsa, kVmsaGpa, contents); }
    void update_zero_pages(std::uint64_t gpa, std::uint64_t size);
    void update_unmeasured_pages(std::uint64_t gpa, std::uint64_t size);
    void update_secrets_page(std::uint64_t gpa);
    void update_cpuid_page(std::uint64_t gpa);

private:
    void update_empty_pages(PageType type, std::uint64_t gpa, std::uint64_t size);

    Sha384Digest ld_;
    Hasher chain_;  // reused for every 112-byte PAGE_INFO
    Trace* trace_ = nullptr;
};

}  // namespace ccvm::sev
