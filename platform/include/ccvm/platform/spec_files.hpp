// Every file a VM spec names, with the access ccvmd needs to it. ccvmd runs as root and must never
// read, measure or hand to libvirt a file its caller could not open (ccvmd(8) "Trust model"), so
// the caller opens these files itself and passes the descriptors; ccvmd works only from those.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

enum class SpecFileUse {
    measured,   // read; ccvmd copies it into the VM's state, measures and boots the copy
    secret,     // read; copied like `measured`, and private to its owner like every secret file
    disk,       // read and write (read only for a read-only disk); used in place
    log,        // read and write, created by the caller when missing; used in place
    directory,  // a directory of measured files, each passed as "<dir>/<file name>"
};

struct SpecFile {
    std::string key;              // where in the spec: "firmware", "disks[0].file", "tee.id-key"
    std::filesystem::path* path;  // the spec's own field
    SpecFileUse use;
    bool read_only = false;  // disks: a read-only disk needs only read access
    std::string copy_name;   // measured, secret, directory: the name of ccvmd's copy
};

// The files `spec` names, in a fixed order. The pointers are into `spec`.
std::vector<SpecFile> spec_files(VmSpec& spec);

// Descriptors by the exact path text of the spec (the directory form: "<dir>/<file name>").
using SpecFileDescriptors = std::map<std::string, UniqueFd>;

// Opens, with the calling process's own rights, every file `spec` names, as its use needs (disks
// and logs read-write, a log created mode 0600 when missing, the regular files of a directory one
// by one). A file that cannot be opened is left out: the daemon then refuses the spec naming it.
SpecFileDescriptors open_spec_files(const VmSpec& spec);

// At most this many files are passed for one directory (TDX ACPI captures hold three).
inline constexpr std::size_t kMaxDirectoryFiles = 8;

// dbus-daemon's default max_message_unix_fds on the system bus (its system.conf): the most
// descriptors one CreateVM or Measure call can carry.
inline constexpr std::size_t kMaxPassedFiles = 16;

}  // namespace ccvm::platform
