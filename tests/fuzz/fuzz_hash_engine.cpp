// Fuzzes the multi-buffer SHA-2 engine against OpenSSL: the input picks the algorithm, the message
// count and the length, and supplies the message bytes; every level this CPU has must give OpenSSL's
// digests.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ccvm;
    if (size < 2) return 0;
    const HashAlgo algo = data[0] % 3 == 0 ? HashAlgo::sha256 : data[0] % 3 == 1 ? HashAlgo::sha384 : HashAlgo::sha512;
    const std::size_t count = 1 + data[1] % 17;  // up to one more than the widest lane count
    const ByteSpan body(reinterpret_cast<const std::byte*>(data + 2), size - 2);
    const std::size_t len = body.size() / count;
    // Consecutive slices of the input: lanes read unaligned memory at odd offsets.
    std::vector<ByteSpan> msgs;
    for (std::size_t i = 0; i < count; ++i) msgs.push_back(body.subspan(i * len, len));
    const std::size_t dsize = digest_size(algo);
    std::vector<Bytes> expected;
    for (const ByteSpan& m : msgs) expected.push_back(hash(algo, m));
    for (HashLevel level : {HashLevel::scalar, HashLevel::avx2, HashLevel::avx512}) {
        if (!cpu_supports(level)) continue;
        Bytes out(count * dsize);
        hash_many(algo, level, msgs, out);
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t k = 0; k < dsize; ++k)
                if (out[i * dsize + k] != expected[i][k]) std::abort();
    }
    return 0;
}
