#include "ccvm/launch-secret/secret_area.hpp"

#include <cstdio>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"

namespace ccvm::secret {
namespace {
std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

SecretArea find_secret_area(ByteSpan firmware, std::string_view source) {
    const std::string src(source);
    const auto table = ovmf::FooterTable::parse(firmware, source);
    const ovmf::FooterEntry* e = table.find(ovmf::kSevSecretAreaGuid);
    if (e == nullptr) {
        throw InputError(src + ": firmware has no SEV secret area (no OVMF footer entry " +
                         ovmf::kSevSecretAreaGuid.to_string() + "); it cannot receive an injected secret");
    }
    SecretArea a;
    a.base = load_le<std::uint32_t>(e->payload, 0, src + " secret area entry");
    a.size = load_le<std::uint32_t>(e->payload, 4, src + " secret area entry");
    if (a.base == 0 || a.size == 0) {
        throw InputError(src + ": firmware reserves no SEV secret area (base=" + hex(a.base) + ", size=" + hex(a.size) +
                         "); use an AmdSev OVMF build to inject secrets");
    }
    return a;
}

void check_secret_fits(std::size_t padded_length, const std::optional<SecretArea>& area, std::string_view source) {
    if (padded_length > kMaxLaunchSecretSize) {
        throw InputError("secret table is " + std::to_string(padded_length) + " bytes after padding, more than the " +
                         std::to_string(kMaxLaunchSecretSize) + "-byte SEV LAUNCH_SECRET limit");
    }
    if (area && padded_length > area->size) {
        throw InputError("secret table is " + std::to_string(padded_length) + " bytes after padding, larger than the " +
                         std::to_string(area->size) + "-byte secret area of " +
                         (source.empty() ? "the firmware" : std::string(source)) + " (at " + hex(area->base) + ")");
    }
}

}  // namespace ccvm::secret
