/* SPDX-License-Identifier: MIT */
/*
 * rnrctl: command-line client of rnrd.  Global options, dispatch, help.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnrctl.h"

static const char help_head[] =
"Usage: rnrctl [--socket PATH] [--json] [--color WHEN] COMMAND [ARGS]\n"
"       rnrctl --help | --version\n"
"       rnrctl help COMMAND\n"
"\n"
"Query and manage rnrd, the Winsock 2 name resolution (RnR) daemon.\n"
"\n"
;

static const char help_tail[] =
"\n"
"Global options (also accepted after the command):\n"
"  --socket PATH   rnrd's control socket (default: $RNR_SOCKET, else the\n"
"                  standard per-user or system socket)\n"
"  --json          print one JSON document on stdout instead of tables;\n"
"                  errors become one JSON object on stderr\n"
"  --color WHEN    colour the output: auto (on a terminal, unless $NO_COLOR\n"
"                  is set), always or never\n"
"  -h, --help      show this help; 'rnrctl COMMAND --help' for a command\n"
"  -V, --version   show the version\n"
"\n"
"CLASS is a GUID ({...} or bare), an alias -- host (INET_HOSTADDRBYNAME),\n"
"addr (INET_HOSTADDRBYINETSTRING), service (INET_SERVICEBYNAME), hostname\n"
"(HOSTNAME), tcp:PORT, udp:PORT -- or the name of an installed class.\n"
"\n"
"Examples:\n"
"  rnrctl providers\n"
"  rnrctl lookup host localhost\n"
"  rnrctl --json lookup service ftp/tcp --ns hosts\n"
"  rnrctl publish tcp:5000 myservice --addr 192.0.2.1:5000 --ns NS_SAP\n"
"  rnrctl register tcp:5000 myservice --addr 192.0.2.1:5000 --provider directory\n"
"  rnrctl class install /etc/rnr/classes.d/example.xml\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  nothing found (WSAHOST_NOT_FOUND, WSASERVICE_NOT_FOUND, WSANO_DATA,\n"
"     WSATYPE_NOT_FOUND, or a lookup without results); register etc.: no\n"
"     provider in scope stores registrations\n"
"  2  usage error (an unknown CLASS included)\n"
"  3  rnrd not reachable (WSASYSNOTREADY)\n"
"  4  permission denied (WSAEACCES)\n"
"  5  any other failure\n"
"  6  register: held only while rnrctl runs (NS_SAP without --persistent)\n";

/* Every command; the main help lists them in this order. */
static const struct rnrctl_command *const commands[] = {
    &rnrctl_command_providers,
    &rnrctl_command_lookup,
    &rnrctl_command_browse,
    &rnrctl_command_register,
    &rnrctl_command_deregister,
    &rnrctl_command_delete,
    &rnrctl_command_publish,
    &rnrctl_command_class,
    &rnrctl_command_status,
    &rnrctl_command_stats,
    &rnrctl_command_log_level,
    &rnrctl_command_reload,
    &rnrctl_command_cache,
    &rnrctl_command_control,
    &rnrctl_command_directory,
    &rnrctl_command_ldap,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct rnrctl_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_help(void)
{
    size_t i;

    fputs(help_head, stdout);
    fputs("Commands:\n", stdout);
    for (i = 0; i < NCOMMANDS; i++) {
        char left[64];

        snprintf(left, sizeof left, "%s%s%s", commands[i]->name,
                 commands[i]->synopsis[0] != '\0' ? " " : "", commands[i]->synopsis);
        printf("  %-30s %s\n", left, commands[i]->summary);
    }
    fputs(help_tail, stdout);
}

static int unknown_command(struct rnrctl *c, const char *name)
{
    const char *names[NCOMMANDS + 1];
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i]->name;
    names[i++] = "help";
    return rnrctl_unknown(c, "command", name, names, i);
}

enum { O_VERSION = RNRCTL_O_FIRST };

static const struct rnrctl_opt global_opts[] = {
    RNRCTL_COMMON_OPTS,
    { "version", 'V', 0, O_VERSION },
    RNRCTL_OPTS_END
};

/* "rnrctl help [COMMAND]". */
static int run_help(struct rnrctl *c, int argc, char **argv)
{
    const struct rnrctl_command *cmd;

    if (argc < 2) {
        print_help();
        return RNRCTL_EXIT_OK;
    }
    if (argc > 2)
        return rnrctl_usage(c, "help takes one COMMAND");
    cmd = find_command(argv[1]);
    if (cmd == NULL)
        return unknown_command(c, argv[1]);
    fputs(cmd->help, stdout);
    return RNRCTL_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct rnrctl c;
    struct rnrctl_parser p;
    const struct rnrctl_command *cmd;
    const char *val;
    char err[160];
    int id, rc;

    memset(&c, 0, sizeof c);
    c.providers_status = -1;
    c.classes_status = -1;

    /* Global options end at the first non-option, the command. */
    rnrctl_parser_init(&p, argc, argv, 1);
    for (;;) {
        id = rnrctl_parser_next(&p, global_opts, &val, err, sizeof err);
        if (id == RNRCTL_OPT_ERROR)
            return rnrctl_usage(&c, "%s", err);
        if (id == RNRCTL_OPT_END || id == RNRCTL_OPT_POSITIONAL)
            break;
        if (id == RNRCTL_O_HELP) {
            print_help();
            return RNRCTL_EXIT_OK;
        }
        if (id == O_VERSION) {
            printf("rnrctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            return RNRCTL_EXIT_OK;
        }
        rnrctl_common_opt(&c, id, val);
    }
    if (id == RNRCTL_OPT_END)
        return rnrctl_usage(&c, "no command given");

    /* The command's own argv: argv[0] is its name. */
    argc -= p.next - 1;
    argv += p.next - 1;
    if (strcmp(argv[0], "help") == 0)
        return run_help(&c, argc, argv);
    cmd = find_command(argv[0]);
    if (cmd == NULL)
        return unknown_command(&c, argv[0]);

    c.cmd = cmd->name;
    rc = cmd->run(&c, argc, argv);
    rnrctl_stop(&c);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* A truncated JSON document must not pass for a good one. */
        perror("rnrctl: writing output");
        if (rc == 0)
            rc = RNRCTL_EXIT_FAILURE;
    }
    return rc;
}
