/* proofcheck: the static probe the container proof copies into images that
 * have no shell, standing in for images no registry can be pulled for here.
 * One binary, called by name (a multi-call binary, like busybox):
 *
 *   httpcheck URL                  microcheck's /bin/httpcheck: GET URL,
 *                                  exit 0 on a 2xx answer, else 1 (as microcheck)
 *   portcheck --port N [--host H]  microcheck's /bin/portcheck: exit 0 when
 *                                  a TCP connect succeeds, else 1
 *   healthcheck --http URL         the same two checks, under the name of a
 *   healthcheck --port N           configured stage_binary
 *   healthcheck --export-prom :PORT -- CMD [ARG...]
 *                                  the wrapper: runs CMD, serves
 *                                  `proof_up 1` on PORT, forwards SIGTERM and
 *                                  SIGINT, reaps children, exits with CMD's
 *                                  status
 *   proofcheck serve PORT          a tiny HTTP server (200 "ok" on every path)
 *   proofcheck hang PORT           accepts connections and never answers
 *
 * Every check gives up by itself after 4 seconds (connect, send and receive
 * share one deadline) and exits 0 or 1 only.
 * Built with `gcc -static -O2`; needs nothing but the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEADLINE_MS 4000

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int wait_fd(int fd, short ev, long deadline) {
    struct pollfd p = {fd, ev, 0};
    long left = deadline - now_ms();
    if (left <= 0) return 0;
    return poll(&p, 1, (int)left) == 1;
}

static int connect_to(const char *host, int port, long deadline) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline)) { close(fd); return -1; }
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) { close(fd); return -1; }
    }
    return fd;
}

static int portcheck(const char *host, int port) {
    int fd = connect_to(host, port, now_ms() + DEADLINE_MS);
    if (fd < 0) { fprintf(stderr, "portcheck: %s:%d refused or timed out\n", host, port); return 1; }
    close(fd);
    return 0;
}

static int httpcheck(const char *url) {
    char host[256] = "127.0.0.1", path[1024] = "/";
    int port = 80;
    const char *p = url;
    if (strncmp(p, "http://", 7) == 0) p += 7;
    size_t h = strcspn(p, ":/");
    if (h == 0 || h >= sizeof host) return 1;
    memcpy(host, p, h); host[h] = 0; p += h;
    if (*p == ':') { port = atoi(p + 1); p += 1 + strspn(p + 1, "0123456789"); }
    if (*p == '/') snprintf(path, sizeof path, "%s", p);
    long deadline = now_ms() + DEADLINE_MS;
    int fd = connect_to(host, port, deadline);
    if (fd < 0) { fprintf(stderr, "httpcheck: %s refused or timed out\n", url); return 1; }
    char req[1400];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s:%d\r\nConnection: close\r\n\r\n", path, host, port);
    if (!wait_fd(fd, POLLOUT, deadline) || write(fd, req, (size_t)n) != n) { close(fd); return 1; }
    char buf[64];
    size_t got = 0;
    while (got < 12) {
        if (!wait_fd(fd, POLLIN, deadline)) { fprintf(stderr, "httpcheck: %s: no answer in time\n", url); close(fd); return 1; }
        ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
        if (r <= 0) { close(fd); return 1; }
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    int status = 0;
    if (sscanf(buf, "HTTP/%*d.%*d %d", &status) != 1) return 1;
    if (status >= 200 && status < 300) return 0;
    fprintf(stderr, "httpcheck: %s answered %d\n", url, status);
    return 1;
}

static int listen_on(int port) {
    int fd = socket(AF_INET6, SOCK_STREAM, 0), one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((unsigned short)port);
    a.sin6_addr = in6addr_any;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0) {
        fprintf(stderr, "proofcheck: cannot listen on %d: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

static void serve(int port, const char *body, int hang) {
    signal(SIGPIPE, SIG_IGN);
    int fd = listen_on(port);
    fprintf(stderr, "proofcheck: %s on :%d\n", hang ? "hanging" : "serving", port);
    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0) continue;
        if (hang) continue; /* keep the connection open, never answer */
        char buf[2048];
        long deadline = now_ms() + 2000;
        if (wait_fd(c, POLLIN, deadline)) (void)!read(c, buf, sizeof buf);
        char out[512];
        int n = snprintf(out, sizeof out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
        (void)!write(c, out, (size_t)n);
        close(c);
    }
}

static pid_t child = -1;
static void forward(int sig) { if (child > 0) kill(child, sig); }

static int wrap(int port, char **cmd) {
    pid_t metrics = fork();
    if (metrics == 0) serve(port, "proof_up 1\n", 0);
    child = fork();
    if (child == 0) {
        execvp(cmd[0], cmd);
        fprintf(stderr, "healthcheck: cannot run %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    signal(SIGTERM, forward);
    signal(SIGINT, forward);
    int status = 0;
    for (;;) {
        int st;
        pid_t p = waitpid(-1, &st, 0);
        if (p < 0 && errno == EINTR) continue;
        if (p < 0) break;
        if (p == child) { status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); break; }
    }
    kill(metrics, SIGTERM);
    waitpid(metrics, NULL, 0);
    return status;
}

int main(int argc, char **argv) {
    const char *name = strrchr(argv[0], '/');
    name = name ? name + 1 : argv[0];
    const char *host = "127.0.0.1";
    if (strcmp(name, "httpcheck") == 0 && argc == 2) return httpcheck(argv[1]);
    if (strcmp(name, "portcheck") == 0 || strcmp(name, "healthcheck") == 0) {
        int port = 0;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = atoi(argv[++i]);
            else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) host = argv[++i];
            else if (strcmp(argv[i], "--http") == 0 && i + 1 < argc) return httpcheck(argv[++i]);
            else if (strcmp(argv[i], "--export-prom") == 0 && i + 1 < argc) {
                const char *spec = strrchr(argv[++i], ':');
                int mport = atoi(spec ? spec + 1 : argv[i]);
                if (i + 2 < argc && strcmp(argv[i + 1], "--") == 0) return wrap(mport, argv + i + 2);
                fprintf(stderr, "healthcheck: --export-prom :PORT -- CMD...\n");
                return 1;
            }
        }
        if (port > 0) return portcheck(host, port);
    }
    if (argc == 3 && strcmp(argv[1], "serve") == 0) serve(atoi(argv[2]), "ok\n", 0);
    if (argc == 3 && strcmp(argv[1], "hang") == 0) serve(atoi(argv[2]), "", 1);
    fprintf(stderr, "usage: httpcheck URL | portcheck --port N | healthcheck --http URL | "
                    "healthcheck --export-prom :PORT -- CMD... | proofcheck serve|hang PORT\n");
    return 1;
}
