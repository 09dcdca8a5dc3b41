#include "ccvm/firmware-measure/cc_event_log_diff.hpp"

#include <algorithm>
#include <limits>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/hex_number.hpp"

namespace ccvm {
namespace {

constexpr std::size_t kEndOffset = std::numeric_limits<std::size_t>::max() - 1;

std::string event_label(const CcEventLog& log, std::uint32_t mr_index, std::size_t index) {
    return cc_register_name(log.platform(), mr_index) + " event " + std::to_string(index);
}

std::string digest_text(const CcEventLog& log, const CcEvent& e) {
    const Bytes* d = log.digest_of(e);
    return d ? to_hex(*d) : "(no " + std::string(to_string(log.algorithm)) + ")";
}

// The first difference between one register's logged and expected events, as (log offset, index, message).
struct RegisterDifference {
    std::size_t offset;
    std::size_t index;
    std::string message;
};

std::optional<RegisterDifference> first_event_difference(const CcEventLog& log, std::uint32_t mr,
                                                         const std::vector<const CcEvent*>& got,
                                                         const std::vector<const ExpectedCcEvent*>& want) {
    const std::size_t n = std::max(got.size(), want.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= got.size()) {
            return RegisterDifference{kEndOffset, i,
                                      event_label(log, mr, i) + ": missing from the log, expected " +
                                          event_type_name(static_cast<std::uint32_t>(want[i]->type)) + " " +
                                          to_hex(want[i]->digest) + " (" + want[i]->description + ")"};
        }
        if (i >= want.size()) {
            return RegisterDifference{got[i]->offset, i,
                                      event_label(log, mr, i) + ": unexpected " + event_type_name(got[i]->type) + " " +
                                          digest_text(log, *got[i]) + " at log offset " + hex_number(got[i]->offset)};
        }
        const Bytes* d = log.digest_of(*got[i]);
        if (d == nullptr || *d != want[i]->digest) {
            return RegisterDifference{got[i]->offset, i,
                                      event_label(log, mr, i) + " (" + want[i]->description + "): log has " +
                                          event_type_name(got[i]->type) + " " + digest_text(log, *got[i]) +
                                          " at log offset " + hex_number(got[i]->offset) + ", expected " +
                                          to_hex(want[i]->digest)};
        }
    }
    return std::nullopt;
}

}  // namespace

std::string describe_register_mismatch(const CcEventLog& log, std::uint32_t mr_index, ByteSpan replayed, ByteSpan value,
                                       std::string_view value_name) {
    const std::string reg = cc_register_name(log.platform(), mr_index);
    const auto events = cc_register_events(log, mr_index);
    std::string msg = reg + ": replaying the log's " + std::to_string(events.size()) + " events gives " +
                      to_hex(replayed) + ", " + std::string(value_name) + " " + to_hex(value);
    if (const auto k = replayed_prefix(log, mr_index, value)) {
        const CcEvent& first = *events[*k];
        msg += "; it is the replay of the first " + std::to_string(*k) + " events: " + event_label(log, mr_index, *k) +
               " (" + event_type_name(first.type) + " " + digest_text(log, first) + " at log offset " +
               hex_number(first.offset) + ") and the " + std::to_string(events.size() - *k - 1) +
               " after it are not in the register";
    } else {
        msg +=
            "; no prefix of the log's events gives that value (an event differs, or the register has events the log "
            "lacks)";
    }
    return msg;
}

std::optional<CcLogDifference> first_difference(const CcEventLog& log, const ExpectedCcRegisters& expected) {
    std::optional<CcLogDifference> best;
    std::size_t best_offset = std::numeric_limits<std::size_t>::max();
    auto consider = [&](std::uint32_t mr, std::size_t off, std::size_t index, std::string msg) {
        if (off < best_offset) {
            best_offset = off;
            best = CcLogDifference{mr, index, std::move(msg)};
        }
    };
    std::optional<CcRegisters> replayed;
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr) {
        const auto& value = expected.values[mr - 1];
        if (!value) continue;
        const std::vector<const CcEvent*> got = cc_register_events(log, mr);
        std::vector<const ExpectedCcEvent*> want;
        for (const ExpectedCcEvent& e : expected.events)
            if (e.mr_index == mr) want.push_back(&e);
        // With events listed, compare them first; with none, the value alone.
        if (auto d = want.empty() ? std::nullopt : first_event_difference(log, mr, got, want)) {
            consider(mr, d->offset, d->index, std::move(d->message));
            continue;
        }
        // Same events (or none listed): the registers must then agree too.
        if (!replayed) replayed = replay_cc_event_log(log);
        const Bytes& r = replayed->values[mr - 1];
        if (r != *value) {
            if (want.empty()) {
                // Only the value is known: a prefix match names the first event the register lacks.
                const auto k = replayed_prefix(log, mr, *value);
                consider(mr, k ? got[*k]->offset : kEndOffset, k.value_or(got.size()),
                         describe_register_mismatch(log, mr, r, *value, "expected"));
            } else {
                consider(mr, kEndOffset, got.size(),
                         cc_register_name(log.platform(), mr) + ": log replays to " + to_hex(r) + ", expected " +
                             to_hex(*value));
            }
        }
    }
    return best;
}

}  // namespace ccvm
