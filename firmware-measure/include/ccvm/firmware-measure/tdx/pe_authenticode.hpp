// PE/COFF Authenticode digest exactly as edk2 TcgMeasurePeImage / HashPeImageByType computes it
// (edk2 SecurityPkg DxeTpm2MeasureBootLib, TcgMeasurePeImage): what TDVF logs for an EFI application such as the Linux
// EFI-stub kernel.
#pragma once

#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::tdx {

// Digest of `image` whose first header_override.size() bytes are replaced by `header_override`
// (QEMU's patched setup header; empty = the file as is). Throws InputError naming `source` when
// the PE headers or section table run outside the file.
Bytes authenticode_digest(HashAlgo algo, ByteSpan image, ByteSpan header_override = {},
                          std::string_view source = "kernel");
Sha384Digest authenticode_sha384(ByteSpan image, ByteSpan header_override = {}, std::string_view source = "kernel");

}  // namespace ccvm::tdx
