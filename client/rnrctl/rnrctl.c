/*
 * rnrctl: command-line client of rnrd.  Global options, dispatch, help.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnrctl.h"

static const char help_main[] =
"Usage: rnrctl [--socket PATH] [--json] [--color WHEN] COMMAND [ARGS]\n"
"       rnrctl --help | --version\n"
"       rnrctl help COMMAND\n"
"\n"
"Query and manage rnrd, the Winsock 2 name resolution (RnR) daemon.\n"
"\n"
"Commands:\n"
"  providers                  list name-space providers\n"
"  lookup CLASS [NAME]        look a service up, print every result\n"
"  browse CLASS [NAME]        watch entries appear and disappear\n"
"  register CLASS NAME        register a service instance (--addr ...)\n"
"  deregister CLASS NAME      deregister a service instance\n"
"  delete CLASS NAME          delete a service instance, or one address of it\n"
"  publish CLASS NAME         register it until interrupted, then deregister\n"
"  class install FILE.xml     validate and install a service class\n"
"  class remove CLASS         remove an installed service class\n"
"  class show CLASS           show a service class\n"
"  class list                 list the installed service classes\n"
"  status                     rnrd's version, uptime and providers\n"
"  stats [--kv]               counters and latencies, per provider\n"
"  stats --reset              set rnrd's counters back to zero (admin)\n"
"  log-level [LEVEL]          show or set rnrd's log level (admin to set)\n"
"  reload                     re-read rnrd's configuration (admin)\n"
"  cache flush [NAME]         empty provider caches (admin)\n"
"  control PROVIDER COMMAND [ARG]  a provider's own command (admin)\n"
"  directory export|import    the persistent directory as XML\n"
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

struct command {
    const char *name;
    int (*run)(struct rnrctl *c, int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    { "providers",  rnrctl_cmd_providers,  rnrctl_help_providers },
    { "lookup",     rnrctl_cmd_lookup,     rnrctl_help_lookup },
    { "register",   rnrctl_cmd_register,   rnrctl_help_register },
    { "deregister", rnrctl_cmd_deregister, rnrctl_help_deregister },
    { "delete",     rnrctl_cmd_delete,     rnrctl_help_delete },
    { "publish",    rnrctl_cmd_publish,    rnrctl_help_publish },
    { "class",      rnrctl_cmd_class,      rnrctl_help_class },
    { "status",     rnrctl_cmd_status,     rnrctl_help_status },
    { "stats",      rnrctl_cmd_stats,      rnrctl_help_stats },
    { "log-level",  rnrctl_cmd_log_level,  rnrctl_help_log_level },
    { "reload",     rnrctl_cmd_reload,     rnrctl_help_reload },
    { "cache",      rnrctl_cmd_cache,      rnrctl_help_cache },
    { "control",    rnrctl_cmd_control,    rnrctl_help_control },
    { "directory",  rnrctl_cmd_directory,  rnrctl_help_directory },
    { "browse",     rnrctl_cmd_browse,     rnrctl_help_browse },
};

static const struct command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int unknown_command(struct rnrctl *c, const char *name)
{
    const char *names[sizeof commands / sizeof commands[0] + 1];
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i].name;
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
    const struct command *cmd;

    if (argc < 2) {
        fputs(help_main, stdout);
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
    const struct command *cmd;
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
            fputs(help_main, stdout);
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
