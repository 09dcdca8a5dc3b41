#include "flag_names.hpp"

#include <array>
#include <utility>

namespace ccvm::cli {
namespace {

// Inputs the libraries name by their spec field at the start of a message, each the CLI flag of the
// same name.
constexpr std::array<std::string_view, 18> kLeadingFields = {
    "vcpus",          "memory",       "acpi-dir",     "vmsa-file",   "vmsa-profile", "vmm-type",
    "sve-vl",         "ipa-bits",     "pmu-counters", "num-bps",     "num-wps",      "firmware-address",
    "page-add-order", "edk2-version", "qemu-version", "measurement", "collateral",   "smbios"};

// Phrases that name an input inside a library message, and the CLI's words for them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kPhrases = {{
    {"a kernel was given", "--kernel was given"},
    {"an initrd needs a kernel", "--initrd needs --kernel"},
    {"give the guest more memory", "raise --memory"},
    {"(vmsa-file)", "(--vmsa-file)"},
    {"apply to csv2 and csv3 only", "apply to --mode csv2 and csv3 only"},
    {"(mode tdx or csv)", "(--mode tdx or --mode csv)"},
    {"(smbios: ", "(--smbios "},
    {"(signature checks turned off)", "(--no-signature-check)"},
    {"give a collateral directory", "give --collateral DIR"},
    {"in the collateral", "in --collateral"},
    {"or set the verification time", "or --verification-time"},
    {"give the CPAK public key", "give the CPAK public key with --cpak"},
}};

}  // namespace

std::string with_flag_names(std::string_view message) {
    std::string out;
    for (std::string_view field : kLeadingFields) {
        if (message.size() > field.size() && message.starts_with(field) &&
            (message[field.size()] == ':' || message[field.size()] == ' ')) {
            out = "--";
            break;
        }
    }
    out += message;
    for (const auto& [phrase, flag] : kPhrases) {
        for (std::size_t at = out.find(phrase); at != std::string::npos; at = out.find(phrase, at + flag.size()))
            out.replace(at, phrase.size(), flag);
    }
    return out;
}

}  // namespace ccvm::cli
