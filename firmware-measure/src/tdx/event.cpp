#include "ccvm/firmware-measure/tdx/event.hpp"

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::tdx {

Sha384Digest extend(const Sha384Digest& rtmr, const Sha384Digest& digest) {
    Hasher h(HashAlgo::sha384);
    h.update(rtmr).update(digest);
    Sha384Digest out{};
    h.finish(out);
    return out;
}

Rtmrs replay(std::span<const Event> events) {
    Rtmrs r{};
    for (const Event& e : events) {
        if (e.rtmr >= kRtmrCount) throw SystemError("internal: event for RTMR" + std::to_string(e.rtmr));
        r[e.rtmr] = extend(r[e.rtmr], e.digest);
    }
    return r;
}

}  // namespace ccvm::tdx
