/* SPDX-License-Identifier: MIT */
/*
 * rnrctl class install / remove / show / list: service classes
 * (WSAInstallServiceClass, WSARemoveServiceClass, WSAGetServiceClassInfo,
 * rnr_enum_service_classes).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "class_xml.h"
#include "guid.h"
#include "rnrctl.h"

static const char rnrctl_help_class[] =
"Usage: rnrctl class install FILE.xml\n"
"       rnrctl class remove CLASS\n"
"       rnrctl class show CLASS [--provider ID]\n"
"       rnrctl class list\n"
"\n"
"Manage service classes (WSASERVICECLASSINFO).\n"
"\n"
"  install FILE.xml   validate FILE.xml against the class schema\n"
"                     (rnr-class.rng) and install it (WSAInstallServiceClass);\n"
"                     errors name FILE:LINE.  Needs root or rnrd's admin group\n"
"  remove CLASS       remove an installed class (WSARemoveServiceClass);\n"
"                     needs root or the admin group\n"
"  show CLASS         the class as stored (WSAGetServiceClassInfo); with\n"
"                     --provider, what that provider keeps of it (the entries\n"
"                     of its name space)\n"
"  list               every installed class\n"
"\n"
"CLASS: a GUID, host, addr, service, hostname, tcp:PORT, udp:PORT, or the\n"
"name of an installed class (case-insensitive).\n"
"\n"
"Options:\n"
"  --provider ID      (show) a provider: GUID, identifier or its first word(s)\n"
"  --json             print JSON: a class object, or an array for list\n"
"  -h, --help         show this help\n"
"\n"
"A class file:\n"
"  <serviceClass id=\"{5C2A6E58-3F1B-4B8E-9A55-0D2E7C1B9F01}\" name=\"Example\">\n"
"    <value name=\"TcpPort\" namespace=\"NS_DNS\" type=\"dword\">5000</value>\n"
"    <value name=\"Note\" namespace=\"0\" type=\"string\">text</value>\n"
"  </serviceClass>\n"
"\n"
"Examples:\n"
"  rnrctl class install example.xml\n"
"  rnrctl class show Example --provider hosts\n"
"  rnrctl --json class list\n"
"\n"
"Exit status: 0 done; 1 class not found (WSATYPE_NOT_FOUND); 2 usage;\n"
"3 rnrd not reachable; 4 permission denied; 5 other failure (invalid file,\n"
"class already installed ...).\n";

enum { O_PROVIDER = RNRCTL_O_FIRST };

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    { "provider", 0, 1, O_PROVIDER },
    RNRCTL_OPTS_END
};

enum sub { SUB_NONE, SUB_INSTALL, SUB_REMOVE, SUB_SHOW, SUB_LIST };

static const struct {
    const char *name;
    const char *cmd;    /* message prefix */
    enum sub    sub;
    int         nargs;
    const char *argname;
} subs[] = {
    { "install", "class install", SUB_INSTALL, 1, "FILE.xml" },
    { "remove",  "class remove",  SUB_REMOVE,  1, "CLASS" },
    { "show",    "class show",    SUB_SHOW,    1, "CLASS" },
    { "list",    "class list",    SUB_LIST,    0, NULL },
};

#define CLASS_BUF_MAX (64u * 1024 * 1024)

static int do_install(struct rnrctl *c, const char *path)
{
    WSASERVICECLASSINFOA *ci = NULL;
    char err[512], id[RNR_GUID_STRLEN] = "-";
    int r;

    if (rnr_class_xml_load(path, NULL, &ci, err, sizeof err) != 0) {
        fprintf(stderr, "rnrctl: %s: %s\n", c->cmd, err);
        return RNRCTL_EXIT_FAILURE;
    }
    if (ci->lpServiceClassId != NULL)
        rnr_guid_format(ci->lpServiceClassId, id);
    if ((r = rnrctl_start(c)) != 0)
        goto done;
    if (WSAInstallServiceClassA(ci) != 0) {
        int e = rnrctl_last_error();

        r = rnrctl_fail(c, e, "%s%s, from %s", id,
                        e == WSAEALREADY ? " is already installed" : "", path);
        goto done;
    }
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "operation", "install");
        out_json_key(&j, "class");
        rnrctl_json_class(c, &j, ci);
        out_json_object_end(&j);
        out_json_finish(&j);
    } else {
        fprintf(stdout, "installed class %s (", id);
        out_text(stdout, ci->lpszServiceClassName);
        fprintf(stdout, ", %lu values)\n", (unsigned long)ci->dwCount);
    }
    r = RNRCTL_EXIT_OK;
done:
    rnr_free(ci);
    return r;
}

static int do_remove(struct rnrctl *c, const char *arg)
{
    GUID g;
    char id[RNR_GUID_STRLEN];
    int r;

    if ((r = rnrctl_resolve_class(c, arg, &g)) != 0)
        return r;
    rnr_guid_format(&g, id);
    if ((r = rnrctl_start(c)) != 0)
        return r;
    if (WSARemoveServiceClass(&g) != 0)
        return rnrctl_fail(c, rnrctl_last_error(), "%s", id);
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "operation", "remove");
        out_json_kv_string(&j, "class", id);
        out_json_object_end(&j);
        out_json_finish(&j);
    } else {
        printf("removed class %s\n", id);
    }
    return RNRCTL_EXIT_OK;
}

static int do_show(struct rnrctl *c, const char *arg, const char *provider_arg)
{
    GUID g, prov;
    DWORD cap = 4096, len;
    WSASERVICECLASSINFOA *buf = NULL, *nbuf;
    char id[RNR_GUID_STRLEN];
    int r, e, tries;

    if ((r = rnrctl_resolve_class(c, arg, &g)) != 0)
        return r;
    if (provider_arg != NULL && (r = rnrctl_resolve_provider(c, provider_arg, &prov)) != 0)
        return r;
    rnr_guid_format(&g, id);
    if ((r = rnrctl_start(c)) != 0)
        return r;

    for (tries = 0; tries < 8; tries++) {
        nbuf = rnr_realloc(buf, cap);
        if (nbuf == NULL) {
            r = rnrctl_fail(c, WSAENOBUFS, "%s", id);
            goto done;
        }
        buf = nbuf;
        len = cap;
        if (WSAGetServiceClassInfoA(provider_arg != NULL ? &prov : NULL, &g, &len, buf) == 0)
            break;
        e = rnrctl_last_error();
        if (e != WSAEFAULT) {
            r = rnrctl_fail(c, e, "%s%s%s", id, provider_arg != NULL ? ", provider " : "",
                            provider_arg != NULL ? provider_arg : "");
            goto done;
        }
        /* Grow to the size asked for; double when none bigger was given. */
        cap = len > cap ? len : cap * 2;
        if (cap > CLASS_BUF_MAX) {
            r = rnrctl_fail(c, WSAENOBUFS, "%s", id);
            goto done;
        }
    }
    if (tries == 8) {
        r = rnrctl_fail(c, WSAEFAULT, "%s: the class kept growing", id);
        goto done;
    }

    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        rnrctl_json_class(c, &j, buf);
        out_json_finish(&j);
    } else {
        rnrctl_print_class(c, buf, stdout);
    }
    r = RNRCTL_EXIT_OK;
done:
    rnr_free(buf);
    return r;
}

static int do_list(struct rnrctl *c)
{
    static const char *const hdr[] = { "ID", "NAME", "VALUES" };
    const WSASERVICECLASSINFOA *cl;
    char id[RNR_GUID_STRLEN], cnt[16];
    int r, n, i;

    if ((r = rnrctl_start(c)) != 0)
        return r;
    r = rnrctl_get_classes(c, &cl, &n);
    if (r != 0)
        return rnrctl_fail(c, r, "rnr_enum_service_classes");
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_array_begin(&j);
        for (i = 0; i < n; i++)
            rnrctl_json_class(c, &j, &cl[i]);
        out_json_array_end(&j);
        out_json_finish(&j);
    } else {
        struct out_table t;

        if (out_table_init(&t, 3, hdr) == 0) {
            for (i = 0; i < n; i++) {
                const char *row[3];

                strcpy(id, "-");
                if (cl[i].lpServiceClassId != NULL)
                    rnr_guid_format(cl[i].lpServiceClassId, id);
                snprintf(cnt, sizeof cnt, "%lu", (unsigned long)cl[i].dwCount);
                row[0] = id;
                row[1] = cl[i].lpszServiceClassName;
                row[2] = cnt;
                out_table_add(&t, row);
            }
            out_table_print(&t, stdout);
        }
        out_table_free(&t);
    }
    return RNRCTL_EXIT_OK;
}

static int rnrctl_cmd_class(struct rnrctl *c, int argc, char **argv)
{
    struct rnrctl_parser p;
    const char *val, *provider_arg = NULL, *arg = NULL;
    char err[160];
    int id, help = 0, npos = 0, si = -1;
    size_t i;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_OPT_POSITIONAL:
            if (npos == 0) {
                for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
                    if (strcmp(subs[i].name, val) == 0)
                        si = (int)i;
                if (si < 0) {
                    static const char *const names[] = { "install", "remove", "show", "list" };

                    return rnrctl_unknown(c, "subcommand", val, names,
                                          sizeof names / sizeof names[0]);
                }
                c->cmd = subs[si].cmd;
            } else if (npos == 1 && subs[si].nargs == 1) {
                arg = val;
            } else {
                return rnrctl_usage(c, "unexpected argument '%s'", val);
            }
            npos++;
            break;
        case RNRCTL_O_HELP:
            help = 1;
            break;
        case O_PROVIDER:
            provider_arg = val;
            break;
        default:
            rnrctl_common_opt(c, id, val);
            break;
        }
    }
    if (help) {
        fputs(rnrctl_help_class, stdout);
        return RNRCTL_EXIT_OK;
    }
    if (si < 0)
        return rnrctl_usage(c, "missing subcommand (install, remove, show, list)");
    if (subs[si].nargs == 1 && arg == NULL)
        return rnrctl_usage(c, "missing %s", subs[si].argname);
    if (provider_arg != NULL && subs[si].sub != SUB_SHOW)
        return rnrctl_usage(c, "--provider applies to class show only");

    switch (subs[si].sub) {
    case SUB_INSTALL: return do_install(c, arg);
    case SUB_REMOVE:  return do_remove(c, arg);
    case SUB_SHOW:    return do_show(c, arg, provider_arg);
    case SUB_LIST:    return do_list(c);
    default:          break;
    }
    return RNRCTL_EXIT_USAGE;
}

const struct rnrctl_command rnrctl_command_class = {
    .name = "class",
    .synopsis = "install|remove|show|list",
    .summary = "install, remove, show or list service classes",
    .help = rnrctl_help_class,
    .run = rnrctl_cmd_class,
};
