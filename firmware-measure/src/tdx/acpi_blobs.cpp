#include "ccvm/firmware-measure/tdx/acpi_blobs.hpp"

#include <algorithm>
#include <system_error>

#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"

namespace ccvm::tdx {
namespace {

// QEMU BIOS_LINKER_LOADER_COMMAND_ALLOCATE.
constexpr std::uint32_t kCommandAllocate = 1;

}  // namespace

std::string acpi_file_name(std::string_view fw_cfg_name) {
    std::string out(fw_cfg_name);
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::vector<std::string> loader_allocations(ByteSpan loader, std::string_view source) {
    if (loader.size() % kLoaderCommandSize != 0) {
        throw InputError(std::string(source) + ": " + std::to_string(loader.size()) +
                         " bytes is not a whole number of 128-byte loader commands");
    }
    std::vector<std::string> names;
    for (std::size_t off = 0; off < loader.size(); off += kLoaderCommandSize) {
        if (load_le<std::uint32_t>(loader, off, source) != kCommandAllocate) continue;
        std::string_view name = as_chars(loader.subspan(off + 4, kLoaderFileNameSize));
        const std::size_t nul = name.find('\0');
        if (nul == std::string_view::npos || nul == 0) {
            throw InputError(std::string(source) + ": ALLOCATE command at offset " + std::to_string(off) +
                             " has an empty or unterminated file name");
        }
        names.emplace_back(name.substr(0, nul));
    }
    return names;
}

std::vector<AcpiBlob> load_acpi_blobs(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw InputError("acpi-dir " + dir.string() + ": not a directory");
    std::vector<AcpiBlob> blobs;
    blobs.push_back({std::string(kTableLoaderName), read_file(dir / acpi_file_name(kTableLoaderName))});
    for (const std::string& name :
         loader_allocations(blobs.front().data, (dir / acpi_file_name(kTableLoaderName)).string())) {
        blobs.push_back({name, read_file(dir / acpi_file_name(name))});
    }
    return blobs;
}

}  // namespace ccvm::tdx
