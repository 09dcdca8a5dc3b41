// The libraries name the spec field or concept an error is about ("vcpus: ...", "memory must be ..."):
// ccvmd returns their messages to spec authors. A CLI user gave flags instead, so the commands that
// take flags rewrite those names into the flags before printing.
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/error.hpp"

namespace ccvm::cli {

// `message` with the library's names of flag inputs replaced by the flags: a leading field name
// ("vcpus: ", "memory ") and a few fixed phrases ("a kernel was given" -> "--kernel was given").
std::string with_flag_names(std::string_view message);

// Runs `run`; an error it throws is thrown again, of the same kind, worded with_flag_names.
template <typename Run>
int naming_flags(Run&& run) {
    try {
        return run();
    } catch (const Error& e) {
        throw Error(e.kind(), with_flag_names(e.what()));
    }
}

}  // namespace ccvm::cli
