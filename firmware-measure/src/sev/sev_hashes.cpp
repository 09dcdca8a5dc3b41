#include "ccvm/firmware-measure/sev/sev_hashes.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::sev {
namespace {

// QEMU target/i386/sev.c, SevHashTable: table header and entry GUIDs.
const Guid kTableHeaderGuid = Guid::parse("9438d606-4f22-4cc9-b479-a793d411fd21");
const Guid kCmdlineEntryGuid = Guid::parse("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");
const Guid kInitrdEntryGuid = Guid::parse("44baf731-3a2f-4bd7-9af1-41e29169781d");
const Guid kKernelEntryGuid = Guid::parse("4de79437-abd2-427f-b835-d5b172d2045b");
// QEMU target/i386/sev.c, SevHashTable: entry = GUID(16) ‖ u16 len ‖ SHA-256(32).
constexpr std::size_t kEntryLen = 50;
constexpr std::size_t kHeaderLen = 18;

std::size_t put_entry(KernelHashesTable& t, std::size_t off, const Guid& guid, const Sha256Digest& digest) {
    std::copy(guid.bytes.begin(), guid.bytes.end(), t.begin() + static_cast<std::ptrdiff_t>(off));
    store_le<std::uint16_t>(t, off + 16, static_cast<std::uint16_t>(kEntryLen));
    std::copy(digest.begin(), digest.end(), t.begin() + static_cast<std::ptrdiff_t>(off + 18));
    return off + kEntryLen;
}

}  // namespace

KernelHashes hash_kernel_inputs(ByteSpan kernel, std::optional<ByteSpan> initrd,
                                std::optional<std::string_view> append) {
    KernelHashes h;
    // Empty append is treated like none (sev-snp-measure: `if append:`).
    std::string cmdline = append ? std::string(*append) : std::string();
    cmdline.push_back('\0');
    h.cmdline = sha256(as_bytes(cmdline));
    const ByteSpan initrd_bytes = initrd ? *initrd : ByteSpan{};
    // The two large files are independent: hash them on two threads.
    parallel_for(2, 2, [&](std::size_t i) {
        if (i == 0)
            h.kernel = sha256(kernel);
        else
            h.initrd = sha256(initrd_bytes);
    });
    return h;
}

KernelHashesTable build_kernel_hashes_table(const KernelHashes& hashes) {
    KernelHashesTable t{};
    std::copy(kTableHeaderGuid.bytes.begin(), kTableHeaderGuid.bytes.end(), t.begin());
    store_le<std::uint16_t>(t, 16, static_cast<std::uint16_t>(kHashesTableLen));
    std::size_t off = kHeaderLen;
    off = put_entry(t, off, kCmdlineEntryGuid, hashes.cmdline);
    off = put_entry(t, off, kInitrdEntryGuid, hashes.initrd);
    put_entry(t, off, kKernelEntryGuid, hashes.kernel);
    return t;
}

KernelHashesTable build_kernel_hashes_table(ByteSpan kernel, std::optional<ByteSpan> initrd,
                                            std::optional<std::string_view> append) {
    return build_kernel_hashes_table(hash_kernel_inputs(kernel, initrd, append));
}

Page kernel_hashes_page(const KernelHashesTable& table, std::size_t offset) {
    if (offset + table.size() > kPageSize) {
        throw InputError("kernel hashes table at page offset " + std::to_string(offset) +
                         " does not fit in a 4096-byte page");
    }
    Page page{};
    std::copy(table.begin(), table.end(), page.begin() + static_cast<std::ptrdiff_t>(offset));
    return page;
}

}  // namespace ccvm::sev
