#include "api/httpserver.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

// Reads from the socket until `count` complete responses (by Content-Length) arrived.
QList<QByteArray> readResponses(QTcpSocket &s, int count, QByteArray *rest = nullptr, int timeoutMs = 5000)
{
    QByteArray buf;
    QList<QByteArray> out;
    QElapsedTimer t;
    t.start();
    while (out.size() < count && t.elapsed() < timeoutMs) {
        if (s.bytesAvailable() == 0)
            QTest::qWait(5); // the server runs on this thread: let it work
        buf += s.readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                break;
            const QByteArray head = buf.left(end);
            const qsizetype cl = head.toLower().indexOf("content-length: ");
            const qsizetype len = cl < 0 ? 0 : head.mid(cl + 16, head.indexOf('\r', cl) - cl - 16).toInt();
            if (head.startsWith("HTTP/1.1 100")) {
                buf.remove(0, end + 4);
                continue;
            }
            if (buf.size() < end + 4 + len)
                break;
            out.append(buf.left(end + 4 + len));
            buf.remove(0, end + 4 + len);
        }
    }
    if (rest)
        *rest = buf;
    return out;
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT
private:
    HttpServer *server = nullptr;
    QList<HttpResponder> held;
    QList<HttpRequest> seen;

    void connectTo(QTcpSocket &s)
    {
        s.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(s.waitForConnected(2000));
    }

private Q_SLOTS:
    void init()
    {
        server = new HttpServer;
        held.clear();
        seen.clear();
        server->setMaxBodyBytes(1024);
        server->setHandler([this](HttpRequest &&req, HttpResponder responder) {
            seen.append(req);
            if (req.path == "/hold") {
                held.append(responder);
                return;
            }
            WireResponse r;
            r.status = req.bodyTooLarge ? 413 : 200;
            r.setHeader("X-Path", req.path);
            r.body = req.method + ' ' + req.path + '?' + req.query + ' ' + req.body;
            responder.respond(r);
        });
        QVERIFY(server->listen(QHostAddress::LocalHost, 0).ok());
        QVERIFY(server->serverPort() != 0);
    }
    void cleanup()
    {
        delete server;
        server = nullptr;
    }

    void keepAliveServesSeveralRequests()
    {
        QTcpSocket s;
        connectTo(s);
        for (int i = 0; i < 3; ++i) {
            s.write(QByteArray("POST /a?x=" + QByteArray::number(i) + " HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"));
            const auto r = readResponses(s, 1);
            QCOMPARE(r.size(), 1);
            QVERIFY(r[0].startsWith("HTTP/1.1 200 OK\r\n"));
            QVERIFY(r[0].endsWith(QByteArray("POST /a?x=" + QByteArray::number(i) + " hi")));
        }
        QCOMPARE(s.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(server->connectionCount(), 1);
    }

    void pipelinedAnswersKeepOrder()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /hold HTTP/1.1\r\nHost: h\r\n\r\nGET /second HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(seen.size(), 2);
        // The second is answered already but must wait behind the held first one.
        QByteArray rest;
        QCOMPARE(readResponses(s, 1, &rest, 200).size(), 0);
        QVERIFY(held.first().isOpen());
        WireResponse late;
        late.status = 202;
        late.body = "late";
        held.first().respond(late);
        QVERIFY(!held.first().isOpen());
        const auto r = readResponses(s, 2);
        QCOMPARE(r.size(), 2);
        QVERIFY(r[0].startsWith("HTTP/1.1 202 Accepted"));
        QVERIFY(r[0].endsWith("late"));
        QVERIFY(r[1].endsWith("GET /second? "));
    }

    void chunkedBodyIsAssembled()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY(r[0].endsWith("POST /c? abcde"));
    }

    void headersAreKeptInOrderAndCaseInsensitive()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /h HTTP/1.1\r\nHost: h\r\nX-Rep: 1\r\nx-rep: 2\r\n\r\n");
        QCOMPARE(readResponses(s, 1).size(), 1);
        QCOMPARE(seen.last().header("X-REP"), QByteArray("1,2"));
        QCOMPARE(seen.last().peerAddress, QByteArray("127.0.0.1"));
    }

    void tooLargeBodyIsFlaggedAndConnectionCloses()
    {
        QTcpSocket s;
        connectTo(s);
        s.write(QByteArray("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n" + QByteArray(2000, 'x')));
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY(r[0].startsWith("HTTP/1.1 413"));
        QVERIFY(r[0].contains("Connection: close"));
        QVERIFY(seen.last().bodyTooLarge);
        QVERIFY(seen.last().body.isEmpty());
        QTRY_COMPARE(s.state(), QAbstractSocket::UnconnectedState);
    }

    void expectContinueIsHonoured()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        QTRY_VERIFY(s.bytesAvailable() > 0);
        QVERIFY(s.readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        s.write("abc");
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY(r[0].endsWith("abc"));
    }

    void malformedRequestGets400()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("THIS IS NOT HTTP\r\n\r\n");
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY(r[0].startsWith("HTTP/1.1 400"));
        QTRY_COMPARE(s.state(), QAbstractSocket::UnconnectedState);
    }

    // Bytes that are not HTTP/1.1: one 400 whose body says what the parser refused, the
    // connection closed, and nothing reaches the handler.
    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost localhost\r\n\r\n") << QByteArray("invalid character in header");
        QTest::newRow("space in method") << QByteArray("GE T / HTTP/1.1\r\n\r\n") << QByteArray("invalid HTTP method");
        QTest::newRow("unknown method") << QByteArray("FETCH / HTTP/1.1\r\n\r\n") << QByteArray("invalid HTTP method");
        QTest::newRow("letters in Content-Length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << QByteArray("invalid character in content-length header");
        QTest::newRow("two Content-Lengths") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << QByteArray("unexpected content-length header");
        QTest::newRow("NUL in the path") << QByteArray("GET /a\0b HTTP/1.1\r\n\r\n", 21) << QByteArray("invalid URL");
        QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << QByteArray("invalid character in chunk size header");
        QTest::newRow("bad version") << QByteArray("GET / HTTP/x.1\r\n\r\n") << QByteArray("invalid HTTP version");
    }
    void malformedRequests()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, reason);
        QTcpSocket s;
        connectTo(s);
        s.write(bytes);
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY2(r[0].startsWith("HTTP/1.1 400 Bad Request\r\n"), r[0].constData());
        QVERIFY2(r[0].endsWith(QByteArray("malformed HTTP request: " + reason)), r[0].constData());
        QTRY_COMPARE(s.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(seen.isEmpty());
    }

    // Header values are bytes: non-UTF-8 ones reach the handler unchanged, not refused.
    void nonUtf8HeaderValuesArePassedOn()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /h HTTP/1.1\r\nHost: h\r\nX-Name: caf\xff\xfe\r\n\r\n");
        QCOMPARE(readResponses(s, 1).size(), 1);
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].header("x-name"), QByteArray("caf\xff\xfe"));
    }

    void http10ClosesAfterResponse()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /old HTTP/1.0\r\n\r\n");
        const auto r = readResponses(s, 1);
        QCOMPARE(r.size(), 1);
        QVERIFY(r[0].contains("Connection: close"));
        QTRY_COMPARE(s.state(), QAbstractSocket::UnconnectedState);
    }

    void headGetsHeadersOnly()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        QByteArray all;
        QTRY_VERIFY((all += s.readAll()).contains("GET /after? "));
        // The HEAD answer announces the length but sends no body; the next answer follows at once.
        QVERIFY(all.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(all.contains("Content-Length: 9\r\n\r\nHTTP/1.1 200 OK"));
    }

    void abandonedRequestIsReported()
    {
        bool abandoned = false;
        {
            QTcpSocket s;
            connectTo(s);
            s.write("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
            QTRY_COMPARE(held.size(), 1);
            held.first().onAbandoned([&abandoned] { abandoned = true; });
            s.disconnectFromHost();
        }
        QTRY_VERIFY(abandoned);
        QVERIFY(!held.first().isOpen());
        held.first().respond(WireResponse{}); // harmless
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    // A responder used on another thread (the API thread answering for a server on the
    // engine's): every call is carried to the server thread, in the order it was made.
    void answersFromAnotherThreadArriveInOrder()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /hold HTTP/1.1\r\nHost: h\r\n\r\nGET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(held.size(), 2);
        HttpResponder first = held[0];
        HttpResponder second = held[1];
        bool openThere = false;
        std::thread worker([&] {
            openThere = first.isOpen();
            WireResponse head;
            head.status = 200;
            head.setHeader("Content-Type", "text/plain");
            first.beginStream(head);
            for (const char *piece : {"a", "bb", "ccc"})
                first.write(piece);
            first.end();
            WireResponse r;
            r.status = 201;
            r.body = "second";
            second.respond(r);
        });
        worker.join();
        QVERIFY(openThere);
        QByteArray all;
        QTRY_VERIFY_WITH_TIMEOUT((all += s.readAll()).endsWith("second"), 5000);
        const qsizetype body = all.indexOf("\r\n\r\n");
        QVERIFY(all.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(all.left(body).contains("Transfer-Encoding: chunked"));
        const QByteArray rest = all.mid(body + 4);
        QVERIFY2(rest.startsWith("1\r\na\r\n2\r\nbb\r\n3\r\nccc\r\n0\r\n\r\nHTTP/1.1 201 Created\r\n"), rest.constData());
        QVERIFY(!first.isOpen());
        QVERIFY(!second.isOpen());
    }

    void abandonmentAskedForOnAnotherThreadIsReportedOnTheServers()
    {
        QTcpSocket s;
        connectTo(s);
        s.write("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(held.size(), 1);
        std::atomic<QThread *> calledOn{nullptr};
        HttpResponder responder = held.first();
        std::thread worker([&] { responder.onAbandoned([&calledOn] { calledOn = QThread::currentThread(); }); });
        worker.join();
        QTest::qWait(20); // the registration reaches the server thread before the client leaves
        s.disconnectFromHost();
        QTRY_VERIFY(calledOn.load() != nullptr);
        QCOMPARE(calledOn.load(), server->thread());
    }

    void listenFailureIsAnError()
    {
        HttpServer other;
        const Status s = other.listen(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QString::number(server->serverPort())));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
