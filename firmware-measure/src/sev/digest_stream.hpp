// A streaming digest whose intermediate value can be read without ending the stream, so SEV-ES
// digests for many vCPU counts come from one pass over the firmware.
#pragma once

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::sev {

class DigestStream {
public:
    explicit DigestStream(HashAlgo algo);
    void update(ByteSpan data);
    // Digest of everything so far; the stream continues.
    Bytes peek() const;

private:
    EvpMdCtxPtr ctx_;
};

}  // namespace ccvm::sev
