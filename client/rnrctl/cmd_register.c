/*
 * rnrctl register / deregister / delete: WSASetService.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "alloc.h"
#include "guid.h"
#include "rnrctl.h"

#define SETSERVICE_OPTIONS \
"Options:\n" \
"  --addr ADDR        a transport address: 1.2.3.4:80, [::1]:80, ::1;\n" \
"                     repeatable\n" \
"  --protocol PROTO   tcp (default) or udp, for every --addr\n" \
"  --ns NS            name space: number, NS_* name or short name;\n" \
"                     default NS_ALL (every provider that takes it)\n" \
"  --provider ID      one provider: GUID, identifier or its first word(s)\n" \
"  --context CTX      container in a hierarchical name space\n" \
"  --comment TEXT     a comment stored with the service\n" \
"  --version N        the instance's version\n" \
"  --multiple         SERVICE_MULTIPLE: the service has several addresses;\n" \
"                     with delete, remove only the addresses given\n" \
"  --persistent       register: outlive this command (RNR_SERVICE_PERSISTENT);\n" \
"                     dynamic name spaces (NS_SAP) otherwise end a\n" \
"                     registration when its client disconnects\n" \
"  --json             print the outcome as a JSON object\n" \
"  -h, --help         show this help\n" \
"\n" \
"CLASS: a GUID, host, addr, service, hostname, tcp:PORT, udp:PORT, or the\n" \
"name of an installed class.\n" \
"\n" \
"Exit status: 0 done; 1 nothing found; 2 usage; 3 rnrd not reachable;\n" \
"4 permission denied (not the owner); 5 other failure.\n"

const char rnrctl_help_register[] =
"Usage: rnrctl register CLASS NAME [options]\n"
"\n"
"Register service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_REGISTER).  Static name spaces (hosts, DNS) accept it without\n"
"storing anything; dynamic ones advertise it; persistent ones store it.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl register tcp:5000 printer1 --addr 192.0.2.10:5000 --comment 'floor 2'\n"
"  rnrctl register myclass svc --addr [2001:db8::1]:53 --protocol udp --ns NS_SAP\n"
"  rnrctl register myclass svc --addr 192.0.2.1:80 --addr 192.0.2.2:80 --multiple\n";

const char rnrctl_help_deregister[] =
"Usage: rnrctl deregister CLASS NAME [options]\n"
"\n"
"Deregister service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DEREGISTER): dynamic name spaces stop advertising it,\n"
"persistent ones delete its address information.  Only the registering\n"
"user or root may do so.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl deregister tcp:5000 printer1\n"
"  rnrctl deregister myclass svc --provider directory\n";

const char rnrctl_help_delete[] =
"Usage: rnrctl delete CLASS NAME [options]\n"
"\n"
"Delete service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DELETE).  With --multiple, only the addresses given with\n"
"--addr are removed; each must match a registered one exactly.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl delete tcp:5000 printer1\n"
"  rnrctl delete myclass svc --addr 192.0.2.2:80 --multiple\n";

enum {
    O_ADDR = RNRCTL_O_FIRST,
    O_COMMENT,
    O_MULTIPLE,
    O_PERSISTENT
};

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_TARGET_OPTS,
    { "addr",     0, 1, O_ADDR },
    { "comment",  0, 1, O_COMMENT },
    { "multiple", 0, 0, O_MULTIPLE },
    { "persistent", 0, 0, O_PERSISTENT },
    RNRCTL_OPTS_END
};

/* The rnr wire limit (queryset.h RNR_QS_MAX_CSADDRS) is far above what a
 * command line carries; this only bounds rnrctl's own arrays. */
#define MAX_ADDRS 64

struct setsvc {
    struct rnrctl_target t;
    const char *comment;
    int         multiple;
    int         persistent;
    struct sockaddr_storage addrs[MAX_ADDRS];
    int         addrlens[MAX_ADDRS];
    int         naddrs;
};

static int parse_args(struct rnrctl *c, struct setsvc *s, int argc, char **argv,
                      const char *help)
{
    struct rnrctl_parser p;
    const char *val;
    char err[256];
    int id, r;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_O_HELP:
            fputs(help, stdout);
            return -1;
        case O_ADDR:
            if (s->naddrs == MAX_ADDRS)
                return rnrctl_usage(c, "--addr: at most %d addresses", MAX_ADDRS);
            if (rnrctl_parse_addr(val, &s->addrs[s->naddrs], &s->addrlens[s->naddrs],
                                  err, sizeof err) != 0)
                return rnrctl_usage(c, "--addr: %s", err);
            s->naddrs++;
            break;
        case O_COMMENT:
            s->comment = val;
            break;
        case O_MULTIPLE:
            s->multiple = 1;
            break;
        case O_PERSISTENT:
            s->persistent = 1;
            break;
        default:
            if ((r = rnrctl_target_opt(c, &s->t, id, val, 0)) != 0)
                return r;
            break;
        }
    }
    if (s->t.class_arg == NULL)
        return rnrctl_usage(c, "missing CLASS and NAME");
    if (s->t.name == NULL)
        return rnrctl_usage(c, "missing NAME");
    return 0;
}

static const char *op_verb(WSAESETSERVICEOP op)
{
    switch (op) {
    case RNRSERVICE_REGISTER:   return "registered";
    case RNRSERVICE_DEREGISTER: return "deregistered";
    default:                    return "deleted";
    }
}

static int set_service(struct rnrctl *c, int argc, char **argv, WSAESETSERVICEOP op,
                       const char *help)
{
    struct setsvc *s = rnr_calloc(1, sizeof *s);
    CSADDR_INFO csa[MAX_ADDRS];
    WSAQUERYSETA qs;
    char id[RNR_GUID_STRLEN];
    int r, i;

    if (s == NULL)
        return rnrctl_fail(c, WSAENOBUFS, "allocating");
    s->t.ns = NS_ALL;
    s->t.protocol = IPPROTO_TCP;
    r = parse_args(c, s, argc, argv, help);
    if (r != 0) {
        r = r < 0 ? RNRCTL_EXIT_OK : r;
        goto done;
    }
    if ((r = rnrctl_target_resolve(c, &s->t)) != 0)
        goto done;

    /* The address clients are to reach goes in RemoteAddr; LocalAddr is
     * what a client would bind to, which a registration cannot know. */
    memset(csa, 0, sizeof csa);
    for (i = 0; i < s->naddrs; i++) {
        csa[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)&s->addrs[i];
        csa[i].RemoteAddr.iSockaddrLength = s->addrlens[i];
        csa[i].iSocketType = s->t.protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
        csa[i].iProtocol = s->t.protocol;
    }

    rnrctl_target_queryset(&s->t, &qs);
    qs.lpszComment = (LPSTR)s->comment;
    qs.dwNumberOfCsAddrs = (DWORD)s->naddrs;
    qs.lpcsaBuffer = s->naddrs != 0 ? csa : NULL;

    if ((r = rnrctl_start(c)) != 0)
        goto done;
    if (WSASetServiceA(&qs, op, (s->multiple ? SERVICE_MULTIPLE : 0) |
                                (s->persistent ? RNR_SERVICE_PERSISTENT : 0)) != 0) {
        r = rnrctl_fail(c, rnrctl_last_error(), "%s", s->t.name);
        goto done;
    }

    rnr_guid_format(&s->t.class_id, id);
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "operation", c->cmd);
        out_json_kv_string(&j, "name", s->t.name);
        out_json_kv_string(&j, "class", id);
        out_json_kv_uint(&j, "addresses", (unsigned)s->naddrs);
        out_json_kv_bool(&j, "multiple", s->multiple);
        out_json_object_end(&j);
        out_json_finish(&j);
    } else {
        fprintf(stdout, "%s ", op_verb(op));
        out_text(stdout, s->t.name);
        fprintf(stdout, " (class %s, %d address%s)\n", id, s->naddrs, s->naddrs == 1 ? "" : "es");
    }
    r = RNRCTL_EXIT_OK;
done:
    rnr_free(s);
    return r;
}

int rnrctl_cmd_register(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_REGISTER, rnrctl_help_register);
}

int rnrctl_cmd_deregister(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_DEREGISTER, rnrctl_help_deregister);
}

int rnrctl_cmd_delete(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_DELETE, rnrctl_help_delete);
}
