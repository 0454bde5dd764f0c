/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "harness.h"

#include <dirent.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <rnr/winsock2.h>
#include <unistd.h>

#ifndef BUILDDIR
#define BUILDDIR "."
#endif

const char rnrt_default_hosts[] =
    "# test hosts file\n"
    "127.0.0.1   localhost\n"
    "::1         localhost ip6-localhost\n"
    "192.0.2.10  alpha.example alpha al\n"
    "2001:db8::10 alpha.example\n"
    "192.0.2.11  Beta.Example beta\n"
    "2001:db8::12 gamma6.example gamma6\n"
    "192.0.2.13  delta.example\n";

const char rnrt_default_services[] =
    "# test services file\n"
    "ftp         21/tcp\n"
    "ssh         22/tcp\n"
    "domain      53/tcp\n"
    "domain      53/udp\n"
    "http        80/tcp   www\n"
    "rnrtest     4242/tcp rnr-test\n";

const char *rnrt_builddir(void)
{
    const char *env = getenv("RNRT_BUILDDIR");
    return env ? env : BUILDDIR;
}

long long rnrt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rnrt_thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int rnrt_write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(content, f);
    return fclose(f) == 0 ? 0 : -1;
}

static int write_config(const struct rnrt_daemon *d)
{
    char buf[8192];
    int n = snprintf(buf, sizeof buf,
        "[daemon]\n"
        "user = root\n"
        "socket = %s\n"
        "state-dir = %s\n"
        "module-dir = %s/providers/.libs\n"
        "class-dir = %s/classes.d\n"
        "log-level = info\n"
        "max-lookups-per-client = 64\n"
        "\n"
        "[provider hosts]\n"
        "module = hosts\n"
        "namespace = NS_TCPIP_HOSTS\n"
        "hosts-file = %s\n"
        "services-file = %s\n"
        "\n"
        "[provider local]\n"
        "module = local\n"
        "namespace = NS_TCPIP_LOCAL\n"
        "hostname = rnrtest-host\n"
        "\n%s",
        d->sock, d->state, rnrt_builddir(), d->dir, d->hosts, d->services,
        d->extra_conf ? d->extra_conf : "");
    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return rnrt_write_file(d->conf, buf);
}

int rnrt_daemon_add_keys(const struct rnrt_daemon *d, const char *keys)
{
    char buf[16384], out[20000];
    FILE *f = fopen(d->conf, "r");
    size_t n;
    char *at;
    int len;

    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if ((at = strstr(buf, "[daemon]\n")) == NULL)
        return -1;
    at += strlen("[daemon]\n");
    len = snprintf(out, sizeof out, "%.*s%s%s", (int)(at - buf), buf, keys, at);
    if (len < 0 || (size_t)len >= sizeof out)
        return -1;
    return rnrt_write_file(d->conf, out);
}

int rnrt_daemon_init(struct rnrt_daemon *d, const char *extra_conf)
{
    char classes[256];

    memset(d, 0, sizeof *d);
    d->pid = -1;
    strcpy(d->dir, "/tmp/rnrt-XXXXXX");
    if (mkdtemp(d->dir) == NULL)
        return -1;
    /* Unprivileged test clients must reach the socket. */
    chmod(d->dir, 0755);
    snprintf(d->sock, sizeof d->sock, "%s/rnrd.sock", d->dir);
    snprintf(d->conf, sizeof d->conf, "%s/rnrd.conf", d->dir);
    snprintf(d->state, sizeof d->state, "%s/state", d->dir);
    snprintf(d->hosts, sizeof d->hosts, "%s/hosts", d->dir);
    snprintf(d->services, sizeof d->services, "%s/services", d->dir);
    snprintf(d->log, sizeof d->log, "%s/rnrd.log", d->dir);
    snprintf(classes, sizeof classes, "%s/classes.d", d->dir);
    mkdir(classes, 0755);
    if (extra_conf != NULL && (d->extra_conf = strdup(extra_conf)) == NULL)
        return -1;
    if (rnrt_write_file(d->hosts, rnrt_default_hosts) != 0 ||
        rnrt_write_file(d->services, rnrt_default_services) != 0 ||
        write_config(d) != 0)
        return -1;
    setenv("RNR_SOCKET", d->sock, 1);
    return 0;
}

int rnrt_rnrctl(const char *args, char *out, size_t outlen)
{
    char  cmd[2048];
    FILE *p;
    size_t n;
    int   st;

    out[0] = '\0';
    if (snprintf(cmd, sizeof cmd, "'%s/client/rnrctl/rnrctl' %s 2>&1", rnrt_builddir(),
                 args) >= (int)sizeof cmd)
        return -1;
    if ((p = popen(cmd, "r")) == NULL)
        return -1;
    n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

long long rnrt_stat(const char *key)
{
    char cmd[1024], line[512];
    size_t klen = strlen(key);
    long long v = -1;
    FILE *p;

    if (snprintf(cmd, sizeof cmd, "RNR_ANSWER_CACHE=0 '%s/client/rnrctl/rnrctl' stats --kv 2>/dev/null",
                 rnrt_builddir()) >= (int)sizeof cmd || (p = popen(cmd, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, p) != NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == '=')
            v = strtoll(line + klen + 1, NULL, 10);
    pclose(p);
    return v;
}

int rnrt_wait_stat(const char *key, long long want)
{
    int spins;

    for (spins = 0; rnrt_stat(key) < want; spins++) {
        if (spins >= 2000)
            return -1;
        usleep(5000);
    }
    return 0;
}

int rnrt_unix_connect(const char *path)
{
    struct sockaddr_un sun;
    int fd;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path)
        return -1;
    memcpy(sun.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int rnrt_socket_answers(const char *path)
{
    int fd = rnrt_unix_connect(path);

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* How many times an rnrd has said it is serving in this log. */
static int log_ready_count(const char *log)
{
    char  line[1024];
    FILE *f = fopen(log, "r");
    int   n = 0;

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (strstr(line, "notice: listening on ") != NULL)
            n++;
    fclose(f);
    return n;
}

int rnrt_daemon_start(struct rnrt_daemon *d)
{
    int ready0 = log_ready_count(d->log);
    char rnrd[512];
    long long deadline;
    pid_t pid;

    snprintf(rnrd, sizeof rnrd, "%s/daemon/rnrd", rnrt_builddir());
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        /* RNRT_WRAPPER="valgrind --error-exitcode=99 ..." runs rnrd under
         * a checker; a checker's complaint then fails rnrt_daemon_stop. */
        if (getenv("RNRT_WRAPPER") != NULL) {
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "exec %s '%s' --foreground --config '%s'",
                     getenv("RNRT_WRAPPER"), rnrd, d->conf);
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        } else {
            execl(rnrd, rnrd, "--foreground", "--config", d->conf, (char *)NULL);
        }
        _exit(127);
    }
    d->pid = pid;
    deadline = rnrt_now_ms() + (getenv("RNRT_WRAPPER") ? 60000 : 10000);
    while (rnrt_now_ms() < deadline) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            d->pid = -1;
            fprintf(stderr, "rnrd exited early; log %s\n", d->log);
            return -1;
        }
        /* The socket answering is not enough: a leftover child of an
         * rnrd killed with -9 can hold a copy of its listening socket. */
        if (rnrt_socket_answers(d->sock) && log_ready_count(d->log) > ready0)
            return 0;
        usleep(10000);
    }
    fprintf(stderr, "rnrd did not answer on %s\n", d->sock);
    return -1;
}

int rnrt_daemon_stop(struct rnrt_daemon *d)
{
    int st;

    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    if (waitpid(d->pid, &st, 0) != d->pid)
        return -1;
    d->pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void rnrt_daemon_kill9(struct rnrt_daemon *d)
{
    if (d->pid <= 0)
        return;
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    d->pid = -1;
}

void rnrt_daemon_destroy(struct rnrt_daemon *d)
{
    char cmd[300];

    if (d->pid > 0)
        rnrt_daemon_stop(d);
    if (d->dir[0] != '\0' && getenv("RNRT_KEEP") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", d->dir);
    }
    free(d->extra_conf);
    d->extra_conf = NULL;
}

static int user_lookup(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (getpwnam_r(name, &pw, buf, sizeof buf, &res) != 0 || res == NULL)
        return -1;
    *uid = pw.pw_uid;
    *gid = pw.pw_gid;
    return 0;
}

int rnrt_user_ensure(const char *name, uid_t *uid, gid_t *gid)
{
    int tries;

    if (user_lookup(name, uid, gid) == 0)
        return 0;
    if (geteuid() != 0)
        return -1;
    /* Tests run in parallel: useradd fails while another holds the lock
     * on /etc/passwd, and a concurrent creation of the same user makes
     * ours fail with "already exists".  Either way, look again. */
    for (tries = 0; tries < 50; tries++) {
        pid_t pid = fork();
        int st;

        if (pid < 0)
            return -1;
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) {
                dup2(devnull, 1);
                dup2(devnull, 2);
            }
            execl("/usr/sbin/useradd", "useradd", "--system", "--no-create-home",
                  "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                  "--user-group", name, (char *)NULL);
            _exit(127);
        }
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (user_lookup(name, uid, gid) == 0)
            return 0;
        usleep(100000);
    }
    return -1;
}

int rnrt_run_as(const char *name, int (*fn)(void *arg), void *arg)
{
    uid_t uid;
    gid_t gid;
    pid_t pid;
    int st;

    if (rnrt_user_ensure(name, &uid, &gid) != 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        WSADATA wd;

        /* The parent's connections belong to the parent's identity. */
        WSACleanup();
        if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            _exit(126);
        if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
            _exit(125);
        _exit(fn(arg));
    }
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int rnrt_system(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    int n, st;

    va_start(ap, fmt);
    n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd)
        return -1;
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int rnrt_file_has(const char *path, const char *what)
{
    char buf[16384];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return strstr(buf, what) != NULL;
}
