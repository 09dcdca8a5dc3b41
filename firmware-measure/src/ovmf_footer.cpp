#include "ccvm/firmware-measure/ovmf_footer.hpp"

#include <cstdint>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::ovmf {

FooterTable FooterTable::parse(ByteSpan image, std::string_view source) {
    FooterTable table;
    const std::size_t footer_min = kResetVectorSize + kEntryTailSize;
    if (image.size() < footer_min) return table;
    const std::size_t footer_off = image.size() - footer_min;
    if (Guid::from_bytes(image.subspan(footer_off + 2, 16)) != kFooterTableGuid) return table;

    const std::size_t total_len = load_le<std::uint16_t>(image, footer_off, "OVMF footer length");
    const std::size_t table_end = image.size() - kResetVectorSize;  // end of the footer entry
    if (total_len < kEntryTailSize || total_len > table_end) {
        throw InputError(std::string(source) + ": OVMF footer table length " + std::to_string(total_len) +
                         " at offset " + std::to_string(footer_off) + " does not fit the image");
    }
    table.present_ = true;
    table.total_len_ = total_len;
    const std::size_t table_start = table_end - total_len;
    // Entries are walked backwards from the footer entry: [payload][u16 entry_len][GUID].
    std::size_t cursor = table_end - kEntryTailSize;  // start of the footer entry's tail
    while (cursor > table_start) {
        if (cursor - table_start < kEntryTailSize) {
            throw InputError(std::string(source) + ": OVMF footer table has " + std::to_string(cursor - table_start) +
                             " stray bytes at offset " + std::to_string(table_start));
        }
        const std::size_t tail = cursor - kEntryTailSize;
        const std::size_t entry_len = load_le<std::uint16_t>(image, tail, "OVMF footer entry length");
        if (entry_len < kEntryTailSize) {
            throw InputError(std::string(source) + ": OVMF footer entry at offset " + std::to_string(tail) +
                             " has length " + std::to_string(entry_len) + " (< 18)");
        }
        if (entry_len > cursor - table_start) {
            throw InputError(std::string(source) + ": OVMF footer entry at offset " + std::to_string(tail) +
                             " (length " + std::to_string(entry_len) + ") runs past the table start");
        }
        FooterEntry e;
        e.guid = Guid::from_bytes(image.subspan(tail + 2, 16));
        e.payload_offset = cursor - entry_len;
        e.payload = image.subspan(e.payload_offset, entry_len - kEntryTailSize);
        table.entries_.push_back(e);
        cursor -= entry_len;
    }
    return table;
}

const FooterEntry* FooterTable::find(const Guid& guid) const noexcept {
    for (const FooterEntry& e : entries_)
        if (e.guid == guid) return &e;
    return nullptr;
}

}  // namespace ccvm::ovmf
