#include "ccvm/firmware-measure/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sched.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/evp_md.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"

namespace ccvm {

// Fetched once per process and per algorithm, on first use: OpenSSL 3 re-resolves implicit EVP_sha*()
// algorithms on every init, which dominates the cost of hashing a 4 KiB page.
const EVP_MD* fetched_md(HashAlgo algo) {
    auto fetch = [](const char* name) { return EVP_MD_fetch(nullptr, name, nullptr); };
    const EVP_MD* md = nullptr;
    switch (algo) {
        case HashAlgo::sha256: {
            static const EVP_MD* const m = fetch("SHA256");
            md = m;
            break;
        }
        case HashAlgo::sha384: {
            static const EVP_MD* const m = fetch("SHA384");
            md = m;
            break;
        }
        case HashAlgo::sha512: {
            static const EVP_MD* const m = fetch("SHA512");
            md = m;
            break;
        }
        case HashAlgo::sm3: {
            static const EVP_MD* const m = fetch("SM3");
            md = m;
            break;
        }
    }
    if (md == nullptr) throw SystemError("OpenSSL does not provide " + std::string(to_string(algo)));
    return md;
}

void init_openssl_without_config() {
    // Before any other OpenSSL call: skip reading openssl.cnf (its provider, engine and TLS settings do
    // not change a digest or a signature check), which also loads the legacy cipher and digest name
    // tables. Those still load on demand: certificate checks (RSA-PSS parameters) look digests up by
    // name, so they must not be disabled. The default provider loads on the first fetch.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
}

std::string_view to_string(HashAlgo algo) noexcept {
    switch (algo) {
        case HashAlgo::sha256:
            return "sha256";
        case HashAlgo::sha384:
            return "sha384";
        case HashAlgo::sha512:
            return "sha512";
        case HashAlgo::sm3:
            return "sm3";
    }
    return "unknown";
}

struct Hasher::Ctx {
    EvpMdCtxPtr ctx{EVP_MD_CTX_new()};
};

Hasher::Hasher(HashAlgo algo) : algo_(algo), ctx_(std::make_unique<Ctx>()) {
    if (ctx_->ctx == nullptr) throw SystemError("OpenSSL: out of memory creating a digest context");
    reset();
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::reset() {
    if (EVP_DigestInit_ex2(ctx_->ctx.get(), fetched_md(algo_), nullptr) != 1) {
        throw SystemError("OpenSSL: cannot initialise " + std::string(to_string(algo_)));
    }
}

Hasher& Hasher::update(ByteSpan data) {
    if (!data.empty() && EVP_DigestUpdate(ctx_->ctx.get(), data.data(), data.size()) != 1) {
        throw SystemError("OpenSSL: digest update failed");
    }
    return *this;
}

void Hasher::finish(MutableByteSpan out) {
    if (out.size() < size()) throw SystemError("internal: digest output buffer too small");
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_->ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1) {
        throw SystemError("OpenSSL: digest final failed");
    }
    reset();
}

Bytes Hasher::finish() {
    Bytes out(size());
    finish(out);
    return out;
}

Bytes hash(HashAlgo algo, ByteSpan data) { return Hasher(algo).update(data).finish(); }

namespace {
template <std::size_t N>
Digest<N> fixed_hash(HashAlgo algo, ByteSpan data) {
    Digest<N> out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, fetched_md(algo),
                   nullptr) != 1) {
        throw SystemError("OpenSSL: digest failed");
    }
    return out;
}
}  // namespace

Sha256Digest sha256(ByteSpan data) { return fixed_hash<32>(HashAlgo::sha256, data); }
Sha384Digest sha384(ByteSpan data) { return fixed_hash<48>(HashAlgo::sha384, data); }
Sha512Digest sha512(ByteSpan data) { return fixed_hash<64>(HashAlgo::sha512, data); }
Sm3Digest sm3(ByteSpan data) { return fixed_hash<32>(HashAlgo::sm3, data); }

unsigned hash_threads() noexcept {
    // The CPUs this process may run on (taskset, cgroup cpusets), not every CPU online: a second
    // thread pinned to the same core only adds switches.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<unsigned>(n);
    }
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn) {
    if (threads == 0) threads = hash_threads();
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&](unsigned t) {
        // Contiguous blocks keep each thread streaming through its own part of the image.
        std::size_t begin = n * t / threads;
        std::size_t end = n * (t + 1) / threads;
        try {
            for (std::size_t i = begin; i < end; ++i) fn(i);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
        }
    };
    {
        std::vector<std::jthread> pool;
        pool.reserve(threads - 1);
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
        worker(0);
    }
    if (error) std::rethrow_exception(error);
}

void hash_chunks(HashAlgo algo, ByteSpan data, std::size_t chunk, MutableByteSpan out, unsigned threads) {
    if (chunk == 0) throw SystemError("internal: hash_chunks with chunk size 0");
    const std::size_t n = (data.size() + chunk - 1) / chunk;
    const std::size_t dsize = digest_size(algo);
    if (out.size() < n * dsize) throw SystemError("internal: hash_chunks output buffer too small");
    if (threads == 0) threads = hash_threads();
    // Small inputs are not worth a thread start.
    if (data.size() < (1u << 20)) threads = 1;
    threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, n)));
    // Whole chunks go through the multi-buffer engine; only a short last chunk is hashed alone.
    const HashLevel level = hash_level(algo);
    const std::size_t whole = data.size() / chunk;
    parallel_for(threads, threads, [&](std::size_t t) {
        const std::size_t begin = n * t / threads;
        const std::size_t end = n * (t + 1) / threads;
        const std::size_t whole_end = std::min(end, whole);
        if (whole_end > begin) {
            hash_strided(algo, level, data.data() + begin * chunk, chunk, chunk, whole_end - begin,
                         out.subspan(begin * dsize, (whole_end - begin) * dsize));
        }
        for (std::size_t i = std::max(begin, whole_end); i < end; ++i) {
            const std::size_t off = i * chunk;
            Hasher(algo).update(data.subspan(off)).finish(out.subspan(i * dsize, dsize));
        }
    });
}

}  // namespace ccvm
