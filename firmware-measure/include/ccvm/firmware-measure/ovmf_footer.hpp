// OVMF footer GUID table (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm; shared by SEV, TDX and CSV): the GUIDed
// entries that edk2 places just below the reset vector at the end of the firmware image.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/guid.hpp"

namespace ccvm::ovmf {

// edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm: footer entry GUID and the entries ccvm understands.
inline const Guid kFooterTableGuid = Guid::parse("96b582de-1fb2-45f7-baea-a366c55a082d");
inline const Guid kSevEsResetBlockGuid = Guid::parse("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
inline const Guid kSevSecretAreaGuid = Guid::parse("4c2eb361-7d9b-4cc3-8081-127c90d3d294");
inline const Guid kSevHashTableGuid = Guid::parse("7255371f-3a3b-4b04-927b-1da6efa8d454");
inline const Guid kSevMetadataGuid = Guid::parse("dc886566-984a-4798-a75e-5585a7bf67cc");
inline const Guid kTdxMetadataGuid = Guid::parse("e47a6535-984a-4798-865e-4685a7bf8ec2");
inline const Guid kSvsmInfoGuid = Guid::parse("a789a612-0597-4c4b-a49f-cbb1fe9d1ddd");
inline const Guid kSnpBootBlockGuid = Guid::parse("bd39c0c2-2f8e-4243-83e8-1b74cebcb7d9");

struct FooterEntry {
    Guid guid;
    std::size_t payload_offset = 0;  // file offset of the payload
    ByteSpan payload;                // view into the image
};

// The footer sits at len-32-18; the last 32 bytes of the image are reset-vector code.
inline constexpr std::size_t kResetVectorSize = 32;
inline constexpr std::size_t kEntryTailSize = 18;  // u16 length + GUID

class FooterTable {
public:
    // Parses the table of `image`. An image without the footer GUID yields an empty table; a table
    // whose lengths run outside the image is an InputError naming `source` and the offset.
    static FooterTable parse(ByteSpan image, std::string_view source = "firmware");

    const std::vector<FooterEntry>& entries() const noexcept { return entries_; }
    bool present() const noexcept { return present_; }
    std::size_t total_len() const noexcept { return total_len_; }
    const FooterEntry* find(const Guid& guid) const noexcept;

private:
    std::vector<FooterEntry> entries_;
    bool present_ = false;
    std::size_t total_len_ = 0;
};

}  // namespace ccvm::ovmf
