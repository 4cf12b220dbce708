#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <stdlib.h>
#include <microhttpd.h>

/// Options the bridge sets; a plain struct because Swift cannot call the variadic MHD_start_daemon.
struct cmhd_options {
    unsigned int flags;
    uint16_t port;
    const char *host;              /* IPv4 dotted quad; NULL means any */
    unsigned int thread_pool_size;
    unsigned int connection_timeout;
    unsigned int connection_limit;
    unsigned int per_ip_connection_limit;
    size_t connection_memory_limit;
};

static inline struct MHD_Daemon *cmhd_start(const struct cmhd_options *o,
                                            MHD_AccessHandlerCallback handler, void *handler_cls,
                                            MHD_RequestCompletedCallback completed, void *completed_cls,
                                            void *(*uri_logger)(void *, const char *, struct MHD_Connection *),
                                            void *uri_logger_cls) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(o->port);
    if (o->host == NULL || inet_pton(AF_INET, o->host, &addr.sin_addr) != 1) {
        if (o->host != NULL) return NULL;
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
    }
    return MHD_start_daemon(o->flags, o->port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_THREAD_POOL_SIZE, o->thread_pool_size,
                            MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout,
                            MHD_OPTION_CONNECTION_LIMIT, o->connection_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_connection_limit,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->connection_memory_limit,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logger, uri_logger_cls,
                            MHD_OPTION_END);
}

static inline uint16_t cmhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

static inline unsigned int cmhd_current_connections(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info ? info->num_connections : 0;
}

/// The peer's address as text (IPv4 or IPv6) in `out`; returns 0 when it is not known.
static inline int cmhd_client_address(struct MHD_Connection *c, char *out, size_t size) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return 0;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size) != NULL;
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size) != NULL;
    return 0;
}

/// The connection's socket, or -1.
static inline int cmhd_connection_fd(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

static inline const char *cmhd_header(struct MHD_Connection *c, const char *key) {
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, key);
}

/// Calls back once per request header.
static inline int cmhd_headers(struct MHD_Connection *c, MHD_KeyValueIteratorN iterator, void *cls) {
    return MHD_get_connection_values_n(c, MHD_HEADER_KIND, iterator, cls);
}

/// Calls back once per query argument, percent-decoded.
static inline int cmhd_arguments(struct MHD_Connection *c, MHD_KeyValueIteratorN iterator, void *cls) {
    return MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, iterator, cls);
}

static inline struct MHD_Response *cmhd_response_copy(const void *bytes, size_t size) {
    return MHD_create_response_from_buffer(size, (void *)bytes, MHD_RESPMEM_MUST_COPY);
}

static inline int cmhd_ok(enum MHD_Result r) { return r == MHD_YES; }
static inline enum MHD_Result cmhd_yes(void) { return MHD_YES; }
static inline enum MHD_Result cmhd_no(void) { return MHD_NO; }

#endif
