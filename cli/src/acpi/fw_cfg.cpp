#include "acpi/fw_cfg.hpp"

#include "ccvm/base/error.hpp"

namespace ccvm::cli {
namespace {

// QEMU docs/specs/fw_cfg.rst: x86 I/O ports, keys and DMA control bits.
constexpr std::uint16_t kDmaAddressHighPort = 0x514;
constexpr std::uint16_t kDmaAddressLowPort = 0x518;
constexpr std::uint16_t kKeySignature = 0x0000;
constexpr std::uint16_t kKeyId = 0x0001;
constexpr std::uint16_t kKeyFileDir = 0x0019;
constexpr std::uint32_t kIdDma = 1u << 1;
constexpr std::uint32_t kDmaError = 0x01;
constexpr std::uint32_t kDmaRead = 0x02;
constexpr std::uint32_t kDmaSelect = 0x08;
constexpr std::size_t kFileEntrySize = 64;
constexpr std::size_t kFileNameSize = 56;
// Guest-physical scratch memory (the guest never runs): the FWCfgDmaAccess and the buffer.
constexpr std::uint64_t kDmaAccessAddr = 0x1000;
constexpr std::uint64_t kDmaBufferAddr = 0x100000;

std::uint32_t bswap32(std::uint32_t v) { return __builtin_bswap32(v); }

std::uint32_t load_be32(ByteSpan b, std::size_t off) { return bswap32(load_le<std::uint32_t>(b, off, "fw_cfg data")); }

}  // namespace

FwCfg::FwCfg(QtestSession& qemu) : qemu_(qemu) {
    Bytes id = read(kKeyId, 4);
    Bytes signature = read(kKeySignature, 4);
    if (as_chars(signature) != "QEMU") throw SystemError("fw_cfg signature is not \"QEMU\"");
    if ((load_le<std::uint32_t>(id, 0) & kIdDma) == 0) throw SystemError("this QEMU's fw_cfg has no DMA interface");
}

Bytes FwCfg::read(std::uint16_t key, std::uint32_t size) {
    if (size > 64u << 20) throw SystemError("fw_cfg item of " + std::to_string(size) + " bytes is implausibly large");
    Bytes access;
    auto be32 = [&](std::uint32_t v) { append_le<std::uint32_t>(access, bswap32(v)); };
    be32((static_cast<std::uint32_t>(key) << 16) | kDmaSelect | kDmaRead);
    be32(size);
    be32(static_cast<std::uint32_t>(kDmaBufferAddr >> 32));
    be32(static_cast<std::uint32_t>(kDmaBufferAddr));
    qemu_.write_memory(kDmaAccessAddr, access);
    // The guest writes the big-endian address; writing the low half starts the transfer.
    qemu_.outl(kDmaAddressHighPort, bswap32(static_cast<std::uint32_t>(kDmaAccessAddr >> 32)));
    qemu_.outl(kDmaAddressLowPort, bswap32(static_cast<std::uint32_t>(kDmaAccessAddr)));
    const std::uint32_t control = load_be32(qemu_.read_memory(kDmaAccessAddr, 4), 0);
    // QEMU clears the control word when the transfer is done and sets the error bit otherwise.
    if (control != 0) {
        throw SystemError("fw_cfg DMA read of key " + std::to_string(key) +
                          ((control & kDmaError) != 0 ? " failed" : " did not complete"));
    }
    return size == 0 ? Bytes{} : qemu_.read_memory(kDmaBufferAddr, size);
}

std::vector<FwCfgFile> FwCfg::files() {
    const std::uint32_t count = load_be32(read(kKeyFileDir, 4), 0);
    if (count > 4096) throw SystemError("fw_cfg directory claims " + std::to_string(count) + " files");
    const Bytes dir = read(kKeyFileDir, static_cast<std::uint32_t>(4 + count * kFileEntrySize));
    std::vector<FwCfgFile> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t e = 4 + i * kFileEntrySize;
        FwCfgFile f;
        f.size = load_be32(dir, e);
        f.select = static_cast<std::uint16_t>(bswap32(load_le<std::uint16_t>(dir, e + 4)) >> 16);
        std::string_view name = as_chars(ByteSpan(dir).subspan(e + 8, kFileNameSize));
        f.name = std::string(name.substr(0, name.find('\0')));
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace ccvm::cli
