#include "launch_backends/caller_inputs.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <system_error>
#include <utility>
#include <vector>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/spec_files.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {

namespace {

using platform::SpecFile;
using platform::SpecFileUse;

// One message whatever the reason (no such file, no permission, not a regular file, wrong access
// mode, another file now at that path): telling them apart would let a caller probe root's files.
[[noreturn]] void refuse(const platform::VmSpec& spec, const std::string& key, const std::string& path) {
    throw DaemonError(ErrorCode::invalid_argument,
                      spec.where(key) + ": " + key + ": " + path + ": not accessible to the caller");
}

// Whether `fd` is a regular file opened with the access `write` asks for. An O_PATH descriptor
// grants no access to the file's content and is refused.
bool usable(int fd, bool write, struct stat& st) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_PATH) != 0) return false;
    const int mode = flags & O_ACCMODE;
    if (write ? mode != O_RDWR : (mode != O_RDONLY && mode != O_RDWR)) return false;
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

void make_private_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw SystemError("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
}

// Boot inputs must be readable by the QEMU process libvirt starts; secrets and keys by ccvmd only.
unsigned copy_mode(SpecFileUse use) { return use == SpecFileUse::secret ? 0600 : 0644; }

void copy_one(const platform::VmSpec& spec, const SpecFile& f, const std::string& path, int fd, const fs::path& to) {
    struct stat st {};
    if (!usable(fd, false, st)) refuse(spec, f.key, path);
    if (f.use == SpecFileUse::secret) {
        try {
            secret::check_secret_descriptor(fd, path);
        } catch (const InputError& e) {
            throw DaemonError(ErrorCode::invalid_argument, spec.where(f.key) + ": " + f.key + ": " + e.what());
        }
    }
    copy_file_atomic(fd, to, copy_mode(f.use), kMaxInputFileBytes, spec.where(f.key) + ": " + f.key + ": " + path);
}

// The files passed for directory `dir`: keys "<dir>/<name>" naming a file directly in it.
void copy_directory(const platform::VmSpec& spec, const SpecFile& f, CallerFiles& files, const fs::path& to) {
    const std::string prefix = (*f.path / "").string();
    bool any = false;
    for (auto& [key, fd] : files) {
        if (!key.starts_with(prefix)) continue;
        const std::string name = key.substr(prefix.size());
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) continue;
        if (!any) make_private_dir(to);
        any = true;
        copy_one(spec, f, key, fd.get(), to / name);
    }
    if (!any) refuse(spec, f.key, f.path->string());
}

// Where take_caller_files records which files the disk and log paths named (device and inode), for
// check_in_place_unchanged at every launch.
constexpr const char* kInPlaceRecord = "in-place.json";

bool in_place(const SpecFile& f) { return f.use == SpecFileUse::disk || f.use == SpecFileUse::log; }

// A disk or log stays at its path for libvirt: the caller must have opened that very file with the
// access QEMU gets, and the path must still name it (no swap for a root-only file since). Returns
// the file's identity.
json::Value check_in_place(const platform::VmSpec& spec, const SpecFile& f, int fd) {
    const bool write = f.use == SpecFileUse::log || !f.read_only;
    struct stat opened {
    }, now{};
    if (!usable(fd, write, opened) || ::stat(f.path->c_str(), &now) != 0 || now.st_dev != opened.st_dev ||
        now.st_ino != opened.st_ino)
        refuse(spec, f.key, f.path->string());
    json::Value id;
    id["dev"] = static_cast<unsigned long long>(opened.st_dev);
    id["ino"] = static_cast<unsigned long long>(opened.st_ino);
    return id;
}

}  // namespace

void take_caller_files(platform::VmSpec& spec, CallerFiles& files, const fs::path& copy_dir) {
    make_private_dir(copy_dir);
    json::Value identities = json::Value::object();
    for (const SpecFile& f : platform::spec_files(spec)) {
        const std::string path = f.path->string();
        if (f.use == SpecFileUse::directory) {
            copy_directory(spec, f, files, copy_dir / f.copy_name);
            continue;
        }
        const auto it = files.find(path);
        if (it == files.end()) refuse(spec, f.key, path);
        if (in_place(f))
            identities[path] = check_in_place(spec, f, it->second.get());
        else
            copy_one(spec, f, path, it->second.get(), copy_dir / f.copy_name);
    }
    write_file_atomic(copy_dir / kInPlaceRecord, json::dump(identities, true) + "\n", 0600);
    point_at_copies(spec, copy_dir);
}

void check_in_place_unchanged(const platform::VmSpec& original, const fs::path& dir) {
    platform::VmSpec spec = original;
    const fs::path record = dir / kInPlaceRecord;
    const json::Value identities = json::parse(read_text_file(record), record.string());
    for (const SpecFile& f : platform::spec_files(spec)) {
        if (!in_place(f)) continue;
        const std::string path = f.path->string();
        const json::Value* id = json::find(identities, path);
        struct stat now {};
        if (id == nullptr || ::stat(path.c_str(), &now) != 0 ||
            static_cast<std::uint64_t>(now.st_dev) != json::get_u64(json::at(*id, "dev"), "dev") ||
            static_cast<std::uint64_t>(now.st_ino) != json::get_u64(json::at(*id, "ino"), "ino"))
            throw DaemonError(ErrorCode::invalid_state,
                              spec.where(f.key) + ": " + f.key + ": " + path +
                                  " no longer names the file the VM was created with; create the VM again");
    }
}

void point_at_copies(platform::VmSpec& spec, const fs::path& dir) {
    for (const SpecFile& f : platform::spec_files(spec))
        if (!f.copy_name.empty()) *f.path = dir / f.copy_name;
}

std::string name_originals(std::string text, const platform::VmSpec& original, const fs::path& copy_dir) {
    platform::VmSpec spec = original;
    std::vector<std::pair<std::string, std::string>> names;  // copy -> original
    for (const SpecFile& f : platform::spec_files(spec))
        if (!f.copy_name.empty()) names.emplace_back((copy_dir / f.copy_name).string(), f.path->string());
    // Longest first: "secret-1" must not eat the start of "secret-10".
    std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (const auto& [copy, path] : names) {
        for (std::size_t at = text.find(copy); at != std::string::npos; at = text.find(copy, at + path.size()))
            text.replace(at, copy.size(), path);
    }
    return text;
}

}  // namespace ccvm::daemon
