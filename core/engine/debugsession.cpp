#include "debugsession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace funcdesk::engine {

quint16 freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    quint16 port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

bool debuggerAttached(quint16 port)
{
    // Each line: "sl local_address rem_address st ...", addresses as HEX_IP:HEX_PORT, state
    // 01 = ESTABLISHED. The runtime's side of the connection has the debug port as its
    // local port.
    const QByteArray suffix = QByteArray(":") + QByteArray::number(port, 16).toUpper().rightJustified(4, '0');
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        QFile f(QString::fromLatin1(table));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> lines = f.readAll().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cols = lines[i].simplified().split(' ');
            if (cols.size() < 4 || cols[3] != "01")
                continue;
            const QByteArray &local = cols[1];
            if (local.endsWith(suffix))
                return true;
        }
    }
    return false;
}

QString vsCodeLaunchConfiguration(const DebugTarget &t)
{
    QJsonObject o;
    if (t.runtime == Runtime::Python3) {
        o = QJsonObject{{QStringLiteral("name"), QString(QStringLiteral("Funcdesk: ") + t.function)},
                        {QStringLiteral("type"), QStringLiteral("debugpy")},
                        {QStringLiteral("request"), QStringLiteral("attach")},
                        {QStringLiteral("connect"), QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")}, {QStringLiteral("port"), int(t.port)}}},
                        {QStringLiteral("pathMappings"), QJsonArray{QJsonObject{{QStringLiteral("localRoot"), t.localRoot},
                                                                                 {QStringLiteral("remoteRoot"), t.remoteRoot}}}},
                        {QStringLiteral("justMyCode"), true}};
    } else {
        o = QJsonObject{{QStringLiteral("name"), QString(QStringLiteral("Funcdesk: ") + t.function)},
                        {QStringLiteral("type"), QStringLiteral("node")},
                        {QStringLiteral("request"), QStringLiteral("attach")},
                        {QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                        {QStringLiteral("port"), int(t.port)},
                        {QStringLiteral("localRoot"), t.localRoot},
                        {QStringLiteral("remoteRoot"), t.remoteRoot},
                        {QStringLiteral("skipFiles"), QJsonArray{QStringLiteral("<node_internals>/**")}}};
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)).trimmed();
}

QString debugInstructions(const DebugTarget &t)
{
    const QString what = t.runtime == Runtime::Python3 ? QStringLiteral("debugpy") : QStringLiteral("Node.js inspector");
    return QStringLiteral("Debugger listening on 127.0.0.1:%1 (%2). The invocation waits for a debugger to attach; "
                          "its timeout runs only while none is attached.\n"
                          "VS Code: add this to .vscode/launch.json \"configurations\" and start it:\n%3")
        .arg(QString::number(t.port), what, vsCodeLaunchConfiguration(t));
}

} // namespace funcdesk::engine
