// Hashing engine: RAII OpenSSL digests and parallel hashing of independent chunks (pages, granules).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm {

// One incremental digest computation. Movable, not copyable; reset() reuses the OpenSSL context,
// which is what makes per-page hashing cheap.
class Hasher {
public:
    explicit Hasher(HashAlgo algo);
    ~Hasher();
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    HashAlgo algo() const noexcept { return algo_; }
    std::size_t size() const noexcept { return digest_size(algo_); }
    Hasher& update(ByteSpan data);
    // Writes size() bytes to `out` and resets the hasher for the next message.
    void finish(MutableByteSpan out);
    Bytes finish();
    void reset();

private:
    struct Ctx;
    HashAlgo algo_;
    std::unique_ptr<Ctx> ctx_;
};

Bytes hash(HashAlgo algo, ByteSpan data);
Sha256Digest sha256(ByteSpan data);
Sha384Digest sha384(ByteSpan data);
Sha512Digest sha512(ByteSpan data);
Sm3Digest sm3(ByteSpan data);

// Programs (the ccvm CLI) call this first thing: OpenSSL without reading openssl.cnf, the largest
// part of OpenSSL's start-up cost.
void init_openssl_without_config();

// Number of worker threads the engine uses for parallel hashing (hardware concurrency, at least 1).
unsigned hash_threads() noexcept;

// Hashes data in consecutive `chunk`-byte pieces (the last may be shorter) on `threads` threads
// (0 = hash_threads()) and writes the digests, in order, to `out` (n_chunks * digest_size bytes).
void hash_chunks(HashAlgo algo, ByteSpan data, std::size_t chunk, MutableByteSpan out, unsigned threads = 0);

// Runs fn(i) for i in [0, n) on up to `threads` threads; exceptions are rethrown in the caller.
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn);

}  // namespace ccvm
