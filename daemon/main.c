/* SPDX-License-Identifier: MIT */
/*
 * rnrd: command line, startup order, signals, reload and shutdown.
 *
 * Startup order:
 *   1. options, configuration (file or built-in), settings
 *   2. --check-config stops here, after loading every module; start-up
 *      refuses a file --check-config would refuse (but for a module that
 *      does not load: listed inactive)
 *   3. signals blocked (read through a signalfd once daemonized)
 *   4. state directory, control socket (or the one systemd passed),
 *      class store
 *   5. provider modules loaded, their privileged_open (with the initial
 *      privileges)
 *   6. privilege drop (privdrop.c), then the providers' startup
 *   7. daemonize (unless --foreground), signalfd, READY=1 to systemd,
 *      watchdog pings (WatchdogSec=) from a loop timer, serve
 * Everything that can fail fails before the daemon detaches, so the exit
 * status of `rnrd` tells whether it is running.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "paths.h"
#include "rnrd.h"
#include "sdnotify.h"

#ifndef RNR_SYSCONFDIR
#define RNR_SYSCONFDIR "/etc/rnr"
#endif
#ifndef RNR_MODULEDIR
#define RNR_MODULEDIR "/usr/lib/rnr/providers"
#endif

struct settings {
    char *socket_path;
    char *state_dir;
    char *module_dir;
    char *class_dir;
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: rnrd [--foreground] [--config FILE] [--socket PATH] [--state-dir DIR]\n"
        "            [--module-dir DIR] [--log-level LEVEL] [--check-config]\n"
        "            [--list-config-keys] [--help] [--version]\n"
        "\n"
        "  -f, --foreground     stay in the foreground, log to stderr\n"
        "  -c, --config FILE    configuration (default " RNR_SYSCONFDIR "/rnrd.conf,\n"
        "                       else the built-in one)\n"
        "  -s, --socket PATH    control socket (overrides the configuration)\n"
        "      --state-dir DIR  persistent state (overrides the configuration)\n"
        "      --module-dir DIR provider modules (overrides RNR_MODULE_DIR and the\n"
        "                       configuration)\n"
        "  -l, --log-level L    err, warning, notice, info or debug\n"
        "  -t, --check-config   check the configuration and its modules, then exit\n"
        "      --list-config-keys  the keys of [daemon], of provider sections and of\n"
        "                       each module in the module directory, then exit\n"
        "  -h, --help           this text\n"
        "  -V, --version        the version\n");
}

static void settings_free(struct settings *s)
{
    rnr_free(s->socket_path);
    rnr_free(s->state_dir);
    rnr_free(s->module_dir);
    rnr_free(s->class_dir);
    memset(s, 0, sizeof *s);
}

/* --module-dir > RNR_MODULE_DIR > module-dir of cfg (may be NULL) > the
 * built-in default. */
static const char *module_dir_of(const struct rnrd *d, const struct rnrd_config *cfg)
{
    const char *env = getenv("RNR_MODULE_DIR");

    return d->opt_module_dir ? d->opt_module_dir
           : (env != NULL && env[0] != '\0') ? env
           : cfg != NULL && cfg->module_dir ? cfg->module_dir : RNR_MODULEDIR;
}

/* Command line > (environment for the module dir) > configuration >
 * built-in defaults. */
static int settings_resolve(const struct rnrd *d, const struct rnrd_config *cfg,
                            struct settings *s)
{
    char buf[4096];
    const char *v;

    memset(s, 0, sizeof *s);
    v = d->opt_socket ? d->opt_socket : cfg->socket;
    if (v == NULL) {
        if (rnr_path_daemon_socket(buf, sizeof buf) != 0) {
            log_err("cannot work out the default socket path; use --socket");
            return -1;
        }
        v = buf;
    }
    s->socket_path = rnr_strdup(v);
    v = d->opt_state_dir ? d->opt_state_dir : cfg->state_dir;
    if (v == NULL) {
        if (rnr_path_daemon_state(buf, sizeof buf) != 0) {
            log_err("cannot work out the default state directory; use --state-dir");
            settings_free(s);
            return -1;
        }
        v = buf;
    }
    s->state_dir = rnr_strdup(v);
    s->module_dir = rnr_strdup(module_dir_of(d, cfg));
    s->class_dir = rnr_strdup(cfg->class_dir ? cfg->class_dir : RNR_SYSCONFDIR "/classes.d");
    if (s->socket_path == NULL || s->state_dir == NULL || s->module_dir == NULL ||
        s->class_dir == NULL) {
        log_err("out of memory");
        settings_free(s);
        return -1;
    }
    return 0;
}

static void apply_admin_group(struct rnrd *d, const struct rnrd_config *cfg)
{
    struct group *gr;

    d->have_admin_gid = 0;
    if (cfg->admin_group == NULL)
        return;
    errno = 0;
    gr = getgrnam(cfg->admin_group);
    if (gr == NULL) {
        log_warning("admin-group %s: no such group; only root may manage classes",
                    cfg->admin_group);
        return;
    }
    d->admin_gid = gr->gr_gid;
    d->have_admin_gid = 1;
}

static void apply_limits_and_level(struct rnrd *d, const struct rnrd_config *cfg)
{
    d->limits = cfg->limits;
    rnrd_log_set_level(d->opt_log_level >= 0 ? d->opt_log_level : cfg->log_level);
    apply_admin_group(d, cfg);
}

static void print_errors(const struct rnrd_errors *errs)
{
    size_t i;

    for (i = 0; i < errs->n; i++)
        log_err("%s", errs->msgs[i]);
}

/* The one validation of a configuration, for --check-config, start-up
 * and reload: the file, then every provider section against the keys its
 * module declares, every error collected.  need_modules: a module that
 * does not load is an error too (--check-config); otherwise it is left
 * for start-up, which lists it inactive.  0 and *out, or -1 with errs. */
static int config_validate(const struct rnrd *d, const char *path, int need_modules,
                           struct rnrd_config **out, struct rnrd_errors *errs)
{
    struct rnrd_config *cfg = NULL;
    struct settings s;
    int rc;

    rc = rnrd_config_load_partial(path, &cfg, errs);
    if (cfg == NULL)
        return -1;
    if (settings_resolve(d, cfg, &s) != 0) {
        rnrd_config_free(cfg);
        return -1;
    }
    if (rnrd_providers_check(cfg, s.module_dir, need_modules, errs) != 0)
        rc = -1;
    settings_free(&s);
    if (rc != 0) {
        rnrd_errors_sort(errs, cfg->source);
        rnrd_config_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

/* ------------------------------------------------------------ reload */

static void setting_changed(const char *key, const char *old, const char *new)
{
    if (strcmp(old, new) != 0)
        log_warning("reload: %s changed (%s -> %s); takes effect at the next start",
                    key, old, new);
}

int rnrd_reload(struct rnrd *d)
{
    struct rnrd_errors errs = { 0 };
    struct rnrd_config *newcfg = NULL, *old;
    struct rnrd_client *c;
    struct settings s;
    const char *src = d->config_path ? d->config_path : "(built-in)";
    int rc = WSAEINVAL;

    rnrd_notify("RELOADING=1\nSTATUS=reloading %s", src);
    log_notice("reloading %s", src);
    d->stats.reloads++;
    if (config_validate(d, d->config_path, 0, &newcfg, &errs) != 0) {
        print_errors(&errs);
        log_err("reload: %s has errors; keeping the running configuration", src);
        rnrd_errors_free(&errs);
        goto done;
    }
    if (settings_resolve(d, newcfg, &s) != 0) {
        rnrd_config_free(newcfg);
        goto done;
    }
    setting_changed("socket", d->socket_path, s.socket_path);
    setting_changed("state-dir", d->state_dir, s.state_dir);
    setting_changed("class-dir", d->class_dir, s.class_dir);
    setting_changed("user", d->cfg->user ? d->cfg->user : "(default)",
                    newcfg->user ? newcfg->user : "(default)");
    setting_changed("group", d->cfg->group ? d->cfg->group : "(default)",
                    newcfg->group ? newcfg->group : "(default)");
    /* New modules load from the new directory. */
    rnr_free(d->module_dir);
    d->module_dir = s.module_dir;
    s.module_dir = NULL;
    settings_free(&s);
    apply_limits_and_level(d, newcfg);
    rnrd_providers_reload(d, newcfg);
    rnrd_answers_changed(d);
    old = d->cfg;
    d->cfg = newcfg;
    rnrd_config_free(old);
    TAILQ_FOREACH(c, &d->clients, link)
        rnrd_client_refresh_admin(c);
    log_notice("reloaded: %zu provider(s)", d->nprovs);
    rc = 0;
done:
    if (rc != 0)
        d->stats.reload_errors++;
    rnrd_notify("READY=1\nSTATUS=%s", rc == 0 ? "serving" : "serving; the last reload failed");
    return rc;
}

/* ------------------------------------------------------------ signals */

static void on_signal(void *arg, int fd, unsigned events)
{
    struct rnrd *d = arg;
    struct signalfd_siginfo si;

    (void)events;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        switch (si.ssi_signo) {
        case SIGHUP:
            log_notice("SIGHUP");
            rnrd_reload(d);
            break;
        case SIGTERM:
        case SIGINT:
            rnrd_notify("STOPPING=1");
            log_notice("signal %u: shutting down", si.ssi_signo);
            rnrd_loop_stop(d->loop);
            return;
        default:
            break;
        }
    }
}

/* Block the signals rnrd handles so they queue for the signalfd, and
 * ignore SIGPIPE (writes use MSG_NOSIGNAL anyway). */
static int signals_block(void)
{
    struct sigaction sa;
    sigset_t set;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
        log_err("sigprocmask: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Only after daemonizing: a signalfd reports the signals of the process
 * that added it to epoll, so one registered before fork() would never
 * wake the daemon. */
static int signals_watch(struct rnrd *d)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    d->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (d->signal_fd < 0 ||
        rnrd_loop_watch(d->loop, d->signal_fd, RNR_NSP_EV_READ, on_signal, d, d) != 0) {
        log_err("signalfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ daemon */

static int daemonize(void)
{
    pid_t pid;
    int fd;

    pid = fork();
    if (pid < 0) {
        log_err("fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0)
        _exit(0);
    if (setsid() < 0) {
        log_err("setsid: %s", strerror(errno));
        return -1;
    }
    /* Second fork: never a session leader, never reacquires a tty. */
    pid = fork();
    if (pid < 0) {
        log_err("fork: %s", strerror(errno));
        _exit(1);
    }
    if (pid > 0)
        _exit(0);
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO)
            close(fd);
    }
    rnrd_log_to_syslog();
    return 0;
}

/* --check-config: every error of the file and of its provider sections,
 * with every module loaded (not started). */
static int check_config(struct rnrd *d, const char *path)
{
    struct rnrd_errors errs = { 0 };
    struct settings s;
    const char *src = path != NULL ? path : "(built-in)";
    int rc = 1;

    if (config_validate(d, path, 1, &d->cfg, &errs) != 0) {
        print_errors(&errs);
        fprintf(stderr, "%s: %zu error(s)\n", src, errs.n);
        goto done;
    }
    if (settings_resolve(d, d->cfg, &s) != 0)
        goto done;
    printf("%s: configuration OK (%zu provider(s), modules from %s)\n", d->cfg->source,
           d->cfg->nproviders, s.module_dir);
    settings_free(&s);
    rc = 0;
done:
    rnrd_errors_free(&errs);
    return rc;
}

/* --list-config-keys: what rnrd and the modules of the module directory
 * accept, for the manual's test and for people writing a file. */
static int list_config_keys(struct rnrd *d)
{
    return rnrd_config_keys_print(module_dir_of(d, NULL), stdout) == 0 ? 0 : 1;
}

/* The state lock file, opened (as root, maybe) in a directory the daemon's
 * account owns: never through a symbolic link, and only a plain file with
 * no other name, which the pid written into it (state_lock_write_pid)
 * cannot reach past.  A descriptor, or -1 with errno set. */
static int lock_open(const char *path, int creat)
{
    struct stat st;
    int fd;

    fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | creat, 0644);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* One rnrd per state directory, whatever its socket: two would write the
 * same class store and provider data.  The lock lives as long as the
 * descriptor, across the daemonizing forks, and goes with the process. */
static int state_lock(struct rnrd *d)
{
    char path[4096], pid[24];
    int fd, n;

    if ((size_t)snprintf(path, sizeof path, "%s/rnrd.lock", d->state_dir) >= sizeof path) {
        log_err("%s: state directory path too long", d->state_dir);
        return -1;
    }
    fd = lock_open(path, O_CREAT);
    if (fd < 0) {
        log_err("%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        n = (int)read(fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        log_err("%s: state directory in use by another rnrd%s%s", d->state_dir,
                pid[0] ? ", pid " : "", pid);
        close(fd);
        return -1;
    }
    d->lock_fd = fd;
    return 0;
}

/* A child of an rnrd killed with -9 (the directory provider's snapshot
 * writer) holds copies of its lock and listening socket until it gets to
 * run and exit; on a loaded machine that can be after the restart has
 * begun, which would then be refused.  While the rnrd whose pid is in
 * the lock is gone and its lock is still held, wait (10 s at most). */
static void state_lock_wait_leftover(const struct rnrd *d)
{
    char path[4096], buf[24];
    long pid;
    int  fd, i;
    ssize_t n;

    if ((size_t)snprintf(path, sizeof path, "%s/rnrd.lock", d->state_dir) >= sizeof path)
        return;
    if ((fd = lock_open(path, 0)) < 0)
        return;
    for (i = 0; i < 500; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            flock(fd, LOCK_UN);
            break;
        }
        n = pread(fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        pid = strtol(buf, NULL, 10);
        if (pid <= 0 || (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
            break;   /* a live rnrd, or unknown: state_lock() says so */
        if (i == 0)
            log_notice("%s: rnrd pid %ld is gone; waiting for what it left running", path, pid);
        usleep(20000);
    }
    close(fd);
}

/* The pid in the lock file is for the message above only: written once
 * the process that keeps the lock is the final one. */
static void state_lock_write_pid(const struct rnrd *d)
{
    char pid[24];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());

    if (d->lock_fd < 0 || ftruncate(d->lock_fd, 0) != 0 ||
        pwrite(d->lock_fd, pid, (size_t)n, 0) != n)
        log_debug("cannot write the pid into the state lock");
}

/* With the initial privileges, before detaching: the socket, the state
 * lock and the answer cache may need root, and whatever fails here
 * still reaches the terminal and the exit status.  Privileges are
 * dropped as soon as nothing further needs them. */
static int startup(struct rnrd *d)
{
    struct settings s;
    int err;

    if (settings_resolve(d, d->cfg, &s) != 0)
        return -1;
    d->socket_path = s.socket_path;
    d->state_dir = s.state_dir;
    d->module_dir = s.module_dir;
    d->class_dir = s.class_dir;
    apply_limits_and_level(d, d->cfg);
    d->stats.start_ms = rnrd_stats_now_us() / 1000u;
    d->stats.reset_ms = d->stats.start_ms;
    rnrd_notify_init();
    if (rnrd_loop_new(&d->loop) != 0) {
        log_err("epoll: %s", strerror(errno));
        return -1;
    }
    if (signals_block() != 0)
        return -1;
    err = rnr_path_mkdirs(d->state_dir, geteuid() == 0 ? 0755 : 0700);
    if (err != 0) {
        log_err("%s: cannot create the state directory: %s", d->state_dir, strerror(err));
        return -1;
    }
    /* Another user's directory could hand rnrd class and provider data
     * it did not write. */
    if (rnrd_own_dir(d, d->state_dir, "state") != 0)
        return -1;
    state_lock_wait_leftover(d);
    if (rnrd_server_open(d) != 0 || state_lock(d) != 0)
        return -1;
    d->answer_cache_size = d->cfg->answer_cache_size;
    rnrd_answers_open(d);
    /* Modules load, and those with privileged_open open what needs root
     * (a socket on a port below 1024), handing it to their startup. */
    if (rnrd_providers_create(d) != 0) {
        log_err("out of memory loading providers");
        return -1;
    }
    /* The socket, the answer cache, the state lock and the providers'
     * privileged descriptors are open: nothing after this needs root.  What lies below the state directory (the
     * class store, the providers' directories and files) is created by
     * the account rnrd switches to, never by root in a tree that account
     * controls (privdrop.c). */
    if (rnrd_privdrop(d) != 0)
        return -1;
    if (rnrd_classes_open(d) != 0)
        return -1;
    if (rnrd_providers_start(d) != 0) {
        log_err("out of memory starting providers");
        return -1;
    }
    return 0;
}

/* On every exit path of main, whichever phases ran: each step copes
 * with what was never opened.  Clients and providers go first, while the
 * loop and the server they use still exist. */
static void shutdown_all(struct rnrd *d)
{
    rnrd_clients_free_all(d);
    rnrd_providers_stop_all(d);
    rnrd_answers_close(d);
    if (d->loop != NULL)
        rnrd_server_close(d);
    rnrd_classes_close(d);
    if (d->signal_fd >= 0)
        close(d->signal_fd);
    if (d->lock_fd >= 0)
        close(d->lock_fd);
    rnrd_loop_free(d->loop);
    rnrd_config_free(d->cfg);
    rnr_free(d->socket_path);
    rnr_free(d->state_dir);
    rnr_free(d->module_dir);
    rnr_free(d->class_dir);
    rnr_wbuf_free(&d->scratch);
    rnrd_lookups_fini();
    rnrd_notify_close();
    rnrd_log_close();
}

/* What the command line asked for beyond the overrides kept in d. */
struct args {
    int         foreground;
    int         check;
    int         list_keys;
    const char *config;
};

/* Phases return RNRD_GO_ON to continue, else the exit status. */
#define RNRD_GO_ON (-1)

/* First, before anything is opened or logged: --help, --version and a
 * bad option answer on the terminal and exit without side effects. */
static int args_parse(struct rnrd *d, int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        { "foreground",   no_argument,       NULL, 'f' },
        { "config",       required_argument, NULL, 'c' },
        { "socket",       required_argument, NULL, 's' },
        { "state-dir",    required_argument, NULL, 'S' },
        { "module-dir",   required_argument, NULL, 'M' },
        { "check-config", no_argument,       NULL, 't' },
        { "list-config-keys", no_argument,   NULL, 'K' },
        { "log-level",    required_argument, NULL, 'l' },
        { "help",         no_argument,       NULL, 'h' },
        { "version",      no_argument,       NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    int ch;

    memset(a, 0, sizeof(*a));
    while ((ch = getopt_long(argc, argv, "fc:s:l:thV", opts, NULL)) != -1) {
        switch (ch) {
        case 'f': a->foreground = 1; break;
        case 'c': a->config = optarg; break;
        case 's': d->opt_socket = optarg; break;
        case 'S': d->opt_state_dir = optarg; break;
        case 'M': d->opt_module_dir = optarg; break;
        case 't': a->check = 1; break;
        case 'K': a->list_keys = 1; break;
        case 'l':
            d->opt_log_level = rnrd_log_level_parse(optarg);
            if (d->opt_log_level < 0) {
                fprintf(stderr, "rnrd: --log-level: '%s' is not one of err, warning, "
                        "notice, info, debug\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("rnrd %s (provider ABI %u)\n", PACKAGE_VERSION, RNR_NSP_ABI_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "rnrd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    return RNRD_GO_ON;
}

/* Still unprivileged work only, so --check-config and --list-config-keys
 * stop here having opened nothing, and start-up never begins with a file
 * --check-config would refuse. */
static int config_load(struct rnrd *d, const struct args *a, struct rnrd_errors *errs)
{
    const char *config = a->config;

    if (d->opt_log_level >= 0)
        rnrd_log_set_level(d->opt_log_level);
    if (a->list_keys)
        return list_config_keys(d);

    /* No file named and none installed: the built-in configuration. */
    if (config == NULL && access(RNR_SYSCONFDIR "/rnrd.conf", F_OK) == 0)
        config = RNR_SYSCONFDIR "/rnrd.conf";
    d->config_path = config;
    if (a->check)
        return check_config(d, config);
    /* A provider section with an error stops start-up, as any other
     * error of the file does. */
    if (config_validate(d, config, 0, &d->cfg, errs) != 0) {
        print_errors(errs);
        log_err("%s: %zu error(s); not starting", config != NULL ? config : "(built-in)",
                errs->n);
        return 1;
    }
    return RNRD_GO_ON;
}

/* After the privileged start-up, so every error so far reached the
 * caller's terminal and exit status; the pid written is the final
 * process's, and the signalfd is made in it. */
static int detach(struct rnrd *d, int foreground)
{
    if (!foreground && daemonize() != 0)
        return -1;
    if (signals_watch(d) != 0)
        return -1;
    state_lock_write_pid(d);
    return 0;
}

/* Last: READY=1 goes to systemd only once everything above succeeded. */
static int serve(struct rnrd *d)
{
    /* The final process, on the thread that serves until shutdown. */
    rnrd_answers_hold(d);
    log_notice("listening on %s with %zu provider(s)%s%s", d->socket_path, d->nprovs,
               d->config_path ? "" : " (built-in configuration)",
               d->socket_activated ? " (socket activation)" : "");
    rnrd_notify("READY=1\nSTATUS=serving %zu provider(s)\nMAINPID=%ld", d->nprovs,
                (long)getpid());
    rnrd_watchdog_start(d->loop);
    rnrd_loop_set_idle(d->loop, rnrd_clients_flush, d);
    if (rnrd_loop_run(d->loop) != 0) {
        log_err("epoll_wait: %s", strerror(errno));
        return 1;
    }
    return 0;
}

/* The phases in order; shutdown_all undoes whatever part of them ran,
 * on every path. */
int main(int argc, char **argv)
{
    struct rnrd_errors errs = { 0 };
    struct args a;
    struct rnrd *d;
    int rc;

    d = rnrd_new();
    if (d == NULL) {
        fprintf(stderr, "rnrd: out of memory\n");
        return 1;
    }
    if ((rc = args_parse(d, argc, argv, &a)) != RNRD_GO_ON)
        goto done;
    if ((rc = config_load(d, &a, &errs)) != RNRD_GO_ON)
        goto done;
    rc = 1;
    if (startup(d) != 0 || detach(d, a.foreground) != 0)
        goto done;
    rc = serve(d);
done:
    rnrd_errors_free(&errs);
    shutdown_all(d);
    rnr_free(d);
    return rc;
}
