// Small binary inputs named by a spec (GODH certificate, session blob, SNP ID block) as base64.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace ccvm::platform {

// Reads `path`, which holds either exactly `size` raw bytes or their base64 text (what sevctl and
// libvirt write), and returns the canonical base64. InputError names `what`, the path and the size.
std::string load_blob_base64(const std::filesystem::path& path, std::size_t size, std::string_view what);

}  // namespace ccvm::platform
