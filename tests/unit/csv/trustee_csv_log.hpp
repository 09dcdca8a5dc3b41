// The Hygon CSV guest's CC event log from trustee's test data (tests/data/SOURCES.md) and trustee's
// own decoding of it, with an independent replay: the `openssl dgst -sm3` CLI over the digests
// trustee's parser reports, so no expected register comes from ccvm's output.
#pragma once

#include <array>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

namespace ccvm::test::csv {

inline std::filesystem::path trustee_log_path() {
    return source_dir() / "tests" / "data" / "csv" / "trustee-CCEL_data_csv";
}

// One event of trustee's CCEL_data_csv_out.json: its "index" (the log's MR index), type and SM3 digest.
struct TrusteeEvent {
    std::uint32_t index = 0;
    std::string type;
    Bytes digest;
};

inline std::vector<TrusteeEvent> trustee_events() {
    const json::Value doc =
        json::parse(read_text_file(source_dir() / "tests" / "data" / "csv" / "trustee-CCEL_data_csv_out.json"));
    std::vector<TrusteeEvent> out;
    for (const json::Value& e : json::get_array(json::at(doc, "uefi_event_logs"))) {
        const auto& digests = json::get_array(json::at(e, "digests"));
        if (digests.size() != 1 || json::get_string(digests[0].at("alg")) != "SM3")
            throw std::runtime_error("trustee's CSV log decoding: expected one SM3 digest per event");
        out.push_back({static_cast<std::uint32_t>(json::get_u64(json::at(e, "index"))),
                       json::get_string(json::at(e, "type_name")),
                       from_hex(json::get_string(digests[0].at("digest")))});
    }
    return out;
}

// SM3 by the openssl command-line tool.
inline Bytes openssl_sm3(ByteSpan data) {
    const auto r = run_process({openssl_cli(), "dgst", "-sm3", "-binary"}, {}, std::string(as_chars(data)));
    if (r.exit_code != 0 || r.out.size() != 32) throw std::runtime_error("openssl dgst -sm3 failed: " + r.err);
    return Bytes(as_bytes(r.out).begin(), as_bytes(r.out).end());
}

inline constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
inline constexpr std::array<std::size_t, 5> kAllEvents{kAll, kAll, kAll, kAll, kAll};

// RTMR[i] := SM3(RTMR[i] || digest) from 32 zero bytes, for the events of MR index i, taking at
// most limit[i] of them (RTMR0 is never logged; index = MR index = CSV report register).
inline std::array<Bytes, 5> replay_with_openssl(const std::vector<TrusteeEvent>& events,
                                                std::array<std::size_t, 5> limit = kAllEvents) {
    std::array<Bytes, 5> regs;
    for (Bytes& r : regs) r.assign(32, std::byte{0});
    std::array<std::size_t, 5> seen{};
    for (const TrusteeEvent& e : events) {
        if (e.index >= regs.size() || seen[e.index]++ >= limit[e.index]) continue;
        Bytes in = regs[e.index];
        append(in, e.digest);
        regs[e.index] = openssl_sm3(in);
    }
    return regs;
}

}  // namespace ccvm::test::csv
