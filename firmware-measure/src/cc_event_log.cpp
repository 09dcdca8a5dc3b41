#include "ccvm/firmware-measure/cc_event_log.hpp"

#include <algorithm>
#include <cstdio>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm {
namespace {

// TCG PC Client PFP spec §10.4.5.1: TCG_EfiSpecIDEventStruct signature and the legacy SHA-1 header event.
constexpr std::string_view kSpecIdSignature{"Spec ID Event03\0", 16};
constexpr std::size_t kLegacyDigestSize = 20;
constexpr std::size_t kLegacyHeaderSize = 4 + 4 + kLegacyDigestSize + 4;
// Bound on algorithms per event: the registry has far fewer; stops absurd counts early.
constexpr std::uint32_t kMaxAlgorithms = 16;

// The algorithms replay supports (TCG Algorithm Registry ids).
struct SupportedAlgorithm {
    std::uint16_t id;
    HashAlgo algo;
};
constexpr SupportedAlgorithm kSupported[] = {{kTcgAlgSha384, HashAlgo::sha384}, {kTcgAlgSm3, HashAlgo::sm3}};

std::string at(std::string_view source, std::size_t off) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", off);
    return std::string(source) + buf;
}

std::string algorithm_id(std::uint16_t id) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", id);
    return buf;
}

bool is_fill(ByteSpan rest) {
    return std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0xff}; }) ||
           std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; });
}

std::string listed_algorithms(const CcEventLog& log) {
    std::string listed;
    for (const auto& [id, size] : log.algorithms) listed += (listed.empty() ? "" : ", ") + algorithm_id(id);
    return std::string(log.algorithms.size() > 1 ? "algorithms " : "algorithm ") + listed;
}

// Picks the replay algorithm from the spec-ID event's digestSizes list and checks its size.
void choose_algorithm(CcEventLog& out, std::optional<CcPlatform> platform, const std::string& where) {
    std::vector<SupportedAlgorithm> found;
    for (const SupportedAlgorithm& s : kSupported) {
        if (platform && cc_platform_algorithm(*platform) != s.algo) continue;
        for (const auto& [id, size] : out.algorithms) {
            if (id != s.id) continue;
            if (size != digest_size(s.algo))
                throw InputError(where + ": spec-ID event gives digest algorithm " + algorithm_id(id) + " a size of " +
                                 std::to_string(size) + " bytes, not " + std::to_string(digest_size(s.algo)));
            found.push_back(s);
            break;  // a repeated entry is the same algorithm
        }
    }
    if (found.size() == 1) {
        out.algorithm_id = found[0].id;
        out.algorithm = found[0].algo;
        return;
    }
    if (found.size() > 1)
        throw InputError(where +
                         ": spec-ID event lists both 0x000c (SHA-384, TDX) and 0x0012 (SM3, Hygon CSV): "
                         "name the platform the log is from (mode tdx or csv)");
    if (platform)
        throw InputError(where + ": spec-ID event lists digest " + listed_algorithms(out) + ", a " +
                         std::string(cc_platform_name(*platform)) + " log needs " +
                         (*platform == CcPlatform::csv ? "0x0012 (SM3)" : "0x000c (SHA-384)"));
    throw InputError(where + ": spec-ID event lists digest " + listed_algorithms(out) +
                     ", ccvm supports 0x000c (SHA-384) and 0x0012 (SM3)");
}

// Header: TCG_PCR_EVENT { PCRIndex, EventType = EV_NO_ACTION, SHA1 digest, EventSize, Event }.
// Returns the offset of the first TCG_PCR_EVENT2.
std::size_t parse_header(ByteSpan log, std::string_view source, std::optional<CcPlatform> platform, CcEventLog& out) {
    const std::string hdr = at(source, 0) + " (Spec ID header event)";
    if (load_le<std::uint32_t>(log, 4, hdr) != static_cast<std::uint32_t>(EventType::no_action)) {
        throw InputError(hdr + ": first event is not EV_NO_ACTION: not a TCG2 crypto-agile log");
    }
    const std::uint32_t spec_size = load_le<std::uint32_t>(log, 28, hdr);
    ByteSpan spec = checked_subspan(log, kLegacyHeaderSize, spec_size, hdr);
    // confidential-containers' attesters write the signature as zeros (trustee's CSV evidence test
    // data, deps/verifier/test_data/csv_evidence.json, cc_eventlog); the layout is the same.
    if (spec.size() < 28 || (as_chars(spec.first(16)) != kSpecIdSignature && !is_all_zero(spec.first(16)))) {
        throw InputError(hdr + ": no \"Spec ID Event03\" signature: not a crypto-agile log");
    }
    const std::uint32_t n_algs = load_le<std::uint32_t>(spec, 24, hdr);
    if (n_algs == 0 || n_algs > kMaxAlgorithms)
        throw InputError(hdr + ": " + std::to_string(n_algs) + " digest algorithms");
    for (std::uint32_t i = 0; i < n_algs; ++i) {
        out.algorithms.emplace_back(load_le<std::uint16_t>(spec, 28 + 4 * i, hdr),
                                    load_le<std::uint16_t>(spec, 30 + 4 * i, hdr));
    }
    choose_algorithm(out, platform, hdr);
    return kLegacyHeaderSize + spec_size;
}

}  // namespace

CcPlatform cc_platform_of(HashAlgo algorithm) noexcept {
    return algorithm == HashAlgo::sm3 ? CcPlatform::csv : CcPlatform::tdx;
}

HashAlgo cc_platform_algorithm(CcPlatform platform) noexcept {
    return platform == CcPlatform::csv ? HashAlgo::sm3 : HashAlgo::sha384;
}

std::string_view cc_platform_name(CcPlatform platform) noexcept { return platform == CcPlatform::csv ? "CSV" : "TDX"; }

unsigned cc_register_number(CcPlatform platform, std::uint32_t mr_index) noexcept {
    return platform == CcPlatform::csv ? mr_index : mr_index - 1;
}

std::string cc_register_name(CcPlatform platform, std::uint32_t mr_index) {
    return "rtmr" + std::to_string(cc_register_number(platform, mr_index));
}

void require_cc_platform(const CcEventLog& log, CcPlatform platform, std::string_view source) {
    if (log.algorithm == cc_platform_algorithm(platform)) return;
    throw InputError(std::string(source) + ": the log's digests are " + std::string(to_string(log.algorithm)) + " (a " +
                     std::string(cc_platform_name(log.platform())) + " log), " +
                     std::string(cc_platform_name(platform)) + " RTMRs are " +
                     std::string(to_string(cc_platform_algorithm(platform))));
}

const Bytes* CcEvent::digest(std::uint16_t algorithm_id) const noexcept {
    for (const auto& [alg, d] : digests)
        if (alg == algorithm_id) return &d;
    return nullptr;
}

bool CcEvent::measured() const noexcept {
    return type != static_cast<std::uint32_t>(EventType::no_action) && mr_index != 0;
}

CcEventLog parse_cc_event_log(ByteSpan log, std::string_view source, std::optional<CcPlatform> platform) {
    CcEventLog out;
    std::size_t off = parse_header(log, source, platform, out);
    auto digest_size = [&](std::uint16_t alg) -> std::optional<std::size_t> {
        for (const auto& [a, size] : out.algorithms)
            if (a == alg) return size;
        return std::nullopt;
    };
    while (off < log.size()) {
        if (is_fill(log.subspan(off))) break;
        const std::string where = at(source, off);
        CcEvent e;
        e.offset = off;
        e.mr_index = load_le<std::uint32_t>(log, off, where);
        e.type = load_le<std::uint32_t>(log, off + 4, where);
        if (e.mr_index == 0xffffffff && e.type == 0xffffffff) break;  // erased log area
        const std::uint32_t count = load_le<std::uint32_t>(log, off + 8, where);
        if (count > kMaxAlgorithms) throw InputError(where + ": " + std::to_string(count) + " digests in one event");
        std::size_t p = off + 12;
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint16_t alg = load_le<std::uint16_t>(log, p, where);
            auto size = digest_size(alg);
            if (!size)
                throw InputError(where + ": digest algorithm " + algorithm_id(alg) +
                                 " not declared in the spec-ID event");
            ByteSpan d = checked_subspan(log, p + 2, *size, where + " (digest)");
            e.digests.emplace_back(alg, Bytes(d.begin(), d.end()));
            p += 2 + *size;
        }
        const std::uint32_t data_size = load_le<std::uint32_t>(log, p, where);
        ByteSpan data = checked_subspan(log, p + 4, data_size, where + " (event data)");
        e.data.assign(data.begin(), data.end());
        off = p + 4 + data_size;
        out.events.push_back(std::move(e));
    }
    return out;
}

std::vector<const CcEvent*> cc_register_events(const CcEventLog& log, std::uint32_t mr_index) {
    std::vector<const CcEvent*> out;
    for (const CcEvent& e : log.events)
        if (e.measured() && e.mr_index == mr_index) out.push_back(&e);
    return out;
}

CcRegisters replay_cc_event_log(const CcEventLog& log, std::string_view source) {
    CcRegisters r;
    r.algorithm = log.algorithm;
    for (Bytes& v : r.values) v.assign(digest_size(log.algorithm), std::byte{0});
    Hasher h(log.algorithm);
    for (const CcEvent& e : log.events) {
        if (!e.measured()) continue;
        const std::string where = at(source, e.offset);
        if (e.mr_index > kCcMrCount)
            throw InputError(where + ": MR index " + std::to_string(e.mr_index) + " (expected 1..4)");
        const Bytes* d = log.digest_of(e);
        if (d == nullptr)
            throw InputError(where + ": event has no " + std::string(to_string(log.algorithm)) + " digest");
        Bytes& reg = r.values[e.mr_index - 1];
        h.update(reg).update(*d);
        h.finish(reg);
    }
    return r;
}

std::optional<std::size_t> replayed_prefix(const CcEventLog& log, std::uint32_t mr_index, ByteSpan value) {
    Bytes reg(digest_size(log.algorithm), std::byte{0});
    Hasher h(log.algorithm);
    const auto events = cc_register_events(log, mr_index);
    for (std::size_t k = 0; k < events.size(); ++k) {
        if (std::equal(reg.begin(), reg.end(), value.begin(), value.end())) return k;
        const Bytes* d = log.digest_of(*events[k]);
        if (d == nullptr) return std::nullopt;
        h.update(reg).update(*d);
        h.finish(reg);
    }
    return std::nullopt;
}

}  // namespace ccvm
