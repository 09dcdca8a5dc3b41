// RAII wrapper over the libvirt C API: connections, domains, launch security, lifecycle events.
// Every failure is a LibvirtError (a SystemError, exit 3) carrying libvirt's code and message.
// URIs are passed through untouched, so remote hosts (qemu+ssh://host/system) work the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/libvirt/host_capabilities.hpp"

struct _virConnect;
struct _virDomain;
struct _virTypedParameter;

namespace ccvm::libvirt {

struct LibvirtError : SystemError {
    LibvirtError(const std::string& message, int error_code, int error_domain)
        : SystemError(message), code(error_code), domain(error_domain) {}
    int code;    // virErrorNumber
    int domain;  // virErrorDomain
    // The driver or host does not offer the call (VIR_ERR_NO_SUPPORT, VIR_ERR_OPERATION_UNSUPPORTED).
    bool unsupported() const noexcept;
};

enum class DomainState { no_state, running, blocked, paused, shutdown, shutoff, crashed, pmsuspended };
std::string_view state_name(DomainState state) noexcept;

// One virTypedParameter value, by its libvirt type.
using TypedValue = std::variant<int, unsigned, long long, unsigned long long, double, bool, std::string>;
using TypedParams = std::map<std::string, TypedValue>;

// Converts a libvirt typed-parameter array (as returned by virDomainGetLaunchSecurityInfo).
TypedParams typed_params_to_map(const _virTypedParameter* params, int count);

// The host's SEV platform as virNodeGetSEVInfo reports it (libvirt.md §10). On a Hygon host the
// same call carries the CSV platform's PDH (csv.md §3).
struct SevNodeInfo {
    Bytes pdh;         // platform Diffie-Hellman key certificate
    Bytes cert_chain;  // the PEK, OCA and CEK certificates behind it
    unsigned cbitpos = 0;
    unsigned reduced_phys_bits = 0;
    std::optional<unsigned> max_guests;     // libvirt >= 8.0
    std::optional<unsigned> max_es_guests;  // libvirt >= 8.0
    std::optional<std::string> cpu0_id;     // libvirt >= 8.4, base64
};

// virNodeGetSEVInfo's parameters as a SevNodeInfo; a LibvirtError naming the parameter when one
// that every libvirt version reports is missing, has another type or is not valid base64.
SevNodeInfo sev_node_info(const TypedParams& params);

// A SEV/SEV-ES/CSV guest's LAUNCH_MEASURE as virDomainGetLaunchSecurityInfo reports it (libvirt.md §10).
struct SevLaunchInfo {
    Bytes measurement;  // sev-measurement: MEASURE (32) || MNONCE (16)
    unsigned api_major = 0;
    unsigned api_minor = 0;
    unsigned build_id = 0;
    unsigned policy = 0;
};

// virDomainGetLaunchSecurityInfo's parameters as a SevLaunchInfo; a LibvirtError naming the
// parameter when one is missing (a domain without SEV reports none), mistyped or not base64.
SevLaunchInfo sev_launch_info(const TypedParams& params);

// The three launch-security calls of the libvirt C API, by default libvirt's own. A test replaces
// them to be the virTypedParameter source of a host it does not have (libvirt.md §3, tier 2);
// everything else stays real. Parameter arrays handed out must come from virTypedParamsAdd*.
struct LaunchSecurityCalls {
    std::function<int(_virConnect*, _virTypedParameter**, int*, unsigned)> node_get_sev_info;
    std::function<int(_virDomain*, _virTypedParameter**, int*, unsigned)> domain_get_launch_security_info;
    std::function<int(_virDomain*, _virTypedParameter*, int, unsigned)> domain_set_launch_security_state;

    static LaunchSecurityCalls libvirt();
};

enum class LifecycleEvent { defined, undefined, started, suspended, resumed, stopped, shutdown, pmsuspended, crashed };
std::string_view event_name(LifecycleEvent event) noexcept;

struct DomainEvent {
    std::string domain;  // name
    std::string uuid;
    LifecycleEvent event;
    int detail;  // virDomainEvent*DetailType of `event`
};

class Domain {
public:
    std::string name() const;
    std::string uuid() const;
    DomainState state() const;
    std::string xml() const;
    void start(bool paused);  // paused: stop before the first vCPU instruction (secret injection)
    void resume();
    void shutdown();  // ACPI power button
    void destroy();   // immediate stop
    void undefine();  // also removes a varstore libvirt created
    TypedParams launch_security_info() const;
    SevLaunchInfo sev_launch_info() const { return libvirt::sev_launch_info(launch_security_info()); }
    // The LAUNCH_SECRET packet: header and ciphertext in base64; `gpa` overrides where it lands.
    void set_launch_security_state(std::string_view header_b64, std::string_view secret_b64,
                                   std::optional<std::uint64_t> gpa);

private:
    friend class LibvirtConnection;
    struct Free {
        void operator()(_virDomain* d) const noexcept;
    };
    Domain(_virDomain* d, std::shared_ptr<const LaunchSecurityCalls> calls) : dom_(d), calls_(std::move(calls)) {}
    std::unique_ptr<_virDomain, Free> dom_;
    std::shared_ptr<const LaunchSecurityCalls> calls_;
};

// Keeps a lifecycle callback registered; deregisters on destruction.
class EventSubscription {
public:
    EventSubscription(EventSubscription&& other) noexcept;
    EventSubscription& operator=(EventSubscription&& other) noexcept;
    EventSubscription(const EventSubscription&) = delete;
    EventSubscription& operator=(const EventSubscription&) = delete;
    ~EventSubscription();

private:
    friend class LibvirtConnection;
    EventSubscription(_virConnect* conn, int id) : conn_(conn), id_(id) {}
    _virConnect* conn_ = nullptr;  // holds a reference
    int id_ = -1;
};

class LibvirtConnection {
public:
    // Opens `uri` read-write. The first call starts libvirt's event loop thread (needed for events
    // and remote keepalive) and silences libvirt's default stderr error printer.
    static LibvirtConnection open(const std::string& uri, LaunchSecurityCalls calls = LaunchSecurityCalls::libvirt());

    const std::string& uri() const noexcept { return uri_; }
    // Defines (or redefines) a persistent domain. XML without <uuid> for a name that already exists
    // keeps the existing UUID, so redefinition updates the domain instead of failing.
    Domain define_domain(const std::string& xml);
    std::optional<Domain> lookup_domain(const std::string& name);
    std::vector<Domain> list_domains();
    // `callback` runs on the event-loop thread for every domain lifecycle event on this connection.
    EventSubscription subscribe_lifecycle(std::function<void(const DomainEvent&)> callback);
    // virNodeGetSEVInfo: fails (LibvirtError with libvirt's message) on hosts without SEV.
    SevNodeInfo sev_info();
    // libvirt's version, the QEMU driver's emulator version and the launch-security types of the
    // domain capabilities (none on a driver without them, such as the test driver).
    HostCapabilities probe_host();

private:
    struct Close {
        void operator()(_virConnect* c) const noexcept;
    };
    LibvirtConnection(_virConnect* c, std::string uri, LaunchSecurityCalls calls)
        : conn_(c), uri_(std::move(uri)), calls_(std::make_shared<const LaunchSecurityCalls>(std::move(calls))) {}
    std::unique_ptr<_virConnect, Close> conn_;
    std::string uri_;
    std::shared_ptr<const LaunchSecurityCalls> calls_;
};

// The domain name of a domain XML document, and the document with `uuid` added after <name>
// (used by define_domain; exposed for tests). InputError when `xml` is not well-formed.
std::optional<std::string> domain_xml_name(std::string_view xml);
std::string domain_xml_with_uuid(std::string_view xml, std::string_view uuid);

}  // namespace ccvm::libvirt
