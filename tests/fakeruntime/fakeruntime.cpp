// Fake runtime for engine tests. Speaks the pipe protocol of core/engine/pipechannel.h on
// fds 3 (in) and 4 (out). The mode is the handler string (_HANDLER), or FAKE_MODE:
//   ok          answer {"echo": <event>, "count": <invocations so far>, "pid": <pid>}
//   slow        sleep FAKE_SLOW_MS (default 300) ms, then as ok
//   slowinit    sleep FAKE_SLOW_MS ms before ready, then as ok
//   crash       exit(1) on the first invoke
//   killself    SIGKILL itself on invoke
//   hang        never answer
//   oom         allocate and touch memory (64 MB steps, up to 2 GB), then hang
//   garbage     write a frame of an unknown type
//   exit-in-init exit(2) before ready
//   init-error  report an init error (Runtime.ImportModuleError)
//   error       answer with a function error
//   log         print FAKE_LINES (default 3) lines "line <n>" on stdout, then as ok
//   flood       print ~1 MB of log lines, then as ok
//   env         answer the whole environment as a JSON object
//   respond-exit answer, then exit(0)
// argv (the shim path the engine passes) is ignored.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

extern char **environ;

namespace {

void writeAll(int fd, const std::string &s)
{
    size_t off = 0;
    while (off < s.size()) {
        const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            std::exit(3);
        off += size_t(n);
    }
}

void send(char type, const std::string &body)
{
    const uint32_t n = uint32_t(body.size() + 1);
    std::string frame;
    frame.reserve(body.size() + 5);
    frame.push_back(char(n & 0xff));
    frame.push_back(char((n >> 8) & 0xff));
    frame.push_back(char((n >> 16) & 0xff));
    frame.push_back(char((n >> 24) & 0xff));
    frame.push_back(type);
    frame += body;
    writeAll(4, frame);
}

bool readExact(std::string &buf, size_t n)
{
    char chunk[65536];
    while (buf.size() < n) {
        const ssize_t r = ::read(3, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        buf.append(chunk, size_t(r));
    }
    return true;
}

std::string jsonEscape(const std::string &s)
{
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            out += b;
        } else {
            out += c;
        }
    }
    return out;
}

int envInt(const char *name, int fallback)
{
    const char *v = std::getenv(name);
    return v ? std::atoi(v) : fallback;
}

[[noreturn]] void hangForever()
{
    for (;;)
        ::pause();
}

} // namespace

int main()
{
    std::string mode = std::getenv("FAKE_MODE") ? std::getenv("FAKE_MODE") : "";
    if (mode.empty() && std::getenv("_HANDLER"))
        mode = std::getenv("_HANDLER");
    const int slowMs = envInt("FAKE_SLOW_MS", 300);

    std::printf("fake runtime init mode=%s\n", mode.c_str());
    std::fflush(stdout);
    if (mode == "exit-in-init")
        std::exit(2);
    if (mode == "init-error") {
        send('E', "Runtime.ImportModuleError\n{\"errorMessage\":\"Unable to import module 'fake': no module\","
                  "\"errorType\":\"Runtime.ImportModuleError\",\"stackTrace\":[]}");
        std::string sink;
        readExact(sink, size_t(-1));
        return 0;
    }
    if (mode == "slowinit")
        ::usleep(useconds_t(slowMs) * 1000);
    send('R', {});

    std::string buf;
    int count = 0;
    for (;;) {
        if (!readExact(buf, 4))
            return 0;
        const auto *u = reinterpret_cast<const unsigned char *>(buf.data());
        const size_t len = size_t(u[0]) | size_t(u[1]) << 8 | size_t(u[2]) << 16 | size_t(u[3]) << 24;
        if (!readExact(buf, 4 + len))
            return 0;
        std::string frame = buf.substr(4, len);
        buf.erase(0, 4 + len);
        if (frame.empty() || frame[0] != 'I')
            continue;
        std::vector<std::string> fields;
        size_t pos = 1;
        for (int i = 0; i < 5; ++i) {
            const size_t nl = frame.find('\n', pos);
            fields.push_back(frame.substr(pos, nl - pos));
            pos = nl + 1;
        }
        const std::string &rid = fields[0];
        const std::string payload = frame.substr(pos);
        ++count;

        if (mode == "crash")
            std::exit(1);
        if (mode == "killself")
            ::raise(SIGKILL);
        if (mode == "hang") {
            std::printf("hanging\n");
            std::fflush(stdout);
            hangForever();
        }
        if (mode == "oom") {
            std::vector<char *> blocks;
            for (int i = 0; i < 32; ++i) {
                char *p = static_cast<char *>(std::malloc(64u << 20));
                std::memset(p, 1, 64u << 20);
                blocks.push_back(p);
                ::usleep(20000);
            }
            hangForever();
        }
        if (mode == "garbage") {
            writeAll(4, std::string("\x05\x00\x00\x00Zjunk", 9));
            hangForever();
        }
        if (mode == "error") {
            send('F', rid + "\nFakeError\n{\"errorMessage\":\"it failed\",\"errorType\":\"FakeError\",\"stackTrace\":[\"at fake\"]}");
            continue;
        }
        if (mode == "slow")
            ::usleep(useconds_t(slowMs) * 1000);
        if (mode == "log") {
            const int lines = envInt("FAKE_LINES", 3);
            for (int i = 1; i <= lines; ++i)
                std::printf("line %d\n", i);
            std::fflush(stdout);
        }
        if (mode == "flood") {
            const std::string line(99, 'x');
            for (int i = 0; i < 10000; ++i)
                std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        }
        if (mode == "env") {
            std::string obj = "{";
            for (char **e = environ; *e; ++e) {
                const std::string kv = *e;
                const size_t eq = kv.find('=');
                if (obj.size() > 1)
                    obj += ',';
                obj += '"' + jsonEscape(kv.substr(0, eq)) + "\":\"" + jsonEscape(kv.substr(eq + 1)) + '"';
            }
            send('S', rid + '\n' + obj + '}');
            continue;
        }
        send('S', rid + "\n{\"echo\":" + (payload.empty() ? std::string("null") : payload) + ",\"count\":" + std::to_string(count) + ",\"pid\":" + std::to_string(::getpid()) + "}");
        if (mode == "respond-exit")
            std::exit(0);
    }
}
