// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerDaemon.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QSet>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::testbed {

namespace {

bool pingSocket(const QString& path)
{
    QLocalSocket s;
    s.connectToServer(path);
    if (!s.waitForConnected(300))
        return false;
    s.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n");
    QByteArray answer;
    while (s.waitForReadyRead(1000))
        answer += s.readAll();
    answer += s.readAll();
    return answer.startsWith("HTTP/1.") && answer.endsWith("OK");
}

bool copyFile(const QString& from, const QString& to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile::remove(to);
    return QFile::copy(from, to);
}

// Bridges are named after the process that made them; one whose process is gone (killed before it
// could clean up) is removed so names and subnets do not pile up.
void removeStale()
{
    QByteArray out;
    if (!runCommand(u"ip"_s, {u"-o"_s, u"link"_s, u"show"_s, u"type"_s, u"bridge"_s}, &out).isEmpty())
        return;
    for (const QByteArray& line : out.split('\n')) {
        const QList<QByteArray> fields = line.split(':');
        if (fields.size() < 2)
            continue;
        const QByteArray name = fields[1].trimmed().split('@').first();
        if (!name.startsWith("lbdk"))
            continue;
        bool ok = false;
        const qint64 pid = name.mid(4).split('n').first().toLongLong(&ok);
        if (ok && !QFile::exists(u"/proc/%1"_s.arg(pid)))
            runCommand(u"ip"_s, {u"link"_s, u"del"_s, QString::fromLatin1(name)});
    }
}

// The third octets of 10.213.N.0/24 that some interface on this machine already has.
QSet<int> subnetsInUse()
{
    QSet<int> used;
    QByteArray out;
    if (!runCommand(u"ip"_s, {u"-4"_s, u"-o"_s, u"addr"_s, u"show"_s}, &out).isEmpty())
        return used;
    for (const QByteArray& line : out.split('\n')) {
        const qsizetype at = line.indexOf(" 10.213.");
        if (at >= 0)
            used.insert(line.mid(at + 8).split('.').first().toInt());
    }
    return used;
}

// Gives the bridge a /24 no other interface has. Engines of several tests (and the demo's three
// nodes) run at once: two bridges on one subnet would route a container's traffic into the wrong
// one, where it is silently lost. The choice and the claim happen under one machine-wide lock.
QString claimSubnet(const QString& bridge)
{
    const int lock = ::open("/run/lock/lbdeck-testbed-subnets.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock >= 0)
        ::flock(lock, LOCK_EX);
    const QSet<int> used = subnetsInUse();
    const int first = int(QRandomGenerator::global()->bounded(200u));
    QString err = u"no free 10.213.N.0/24 subnet for the test bridge"_s;
    for (int i = 0; i < 200; ++i) {
        const int n = 20 + (first + i) % 200;
        if (used.contains(n))
            continue;
        err = runCommand(u"ip"_s, {u"addr"_s, u"add"_s, u"10.213.%1.1/24"_s.arg(n), u"dev"_s, bridge});
        break;
    }
    if (lock >= 0)
        ::close(lock);
    return err;
}

} // namespace

DockerDaemon::DockerDaemon()
    : m_dir(u"/tmp/lbd-dk-XXXXXX"_s)
{}

DockerDaemon::~DockerDaemon()
{
    stop();
}

qint64 DockerDaemon::daemonPid() const
{
    QFile f(m_dir.path() + u"/docker.pid"_s);
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
}

void DockerDaemon::removeStaleBridges()
{
    removeStale();
}

QString DockerDaemon::start()
{
    if (!isRoot())
        return u"the Docker engine needs root"_s;
    if (!m_dir.isValid())
        return u"cannot create a temporary directory"_s;
    // A bridge of our own: docker0 and its subnet stay free for any other engine on the machine.
    removeStale();
    static int counter = 0;
    m_bridge = u"lbdk%1n%2"_s.arg(QCoreApplication::applicationPid()).arg(counter++ % 100);
    QString err = runCommand(u"ip"_s, {u"link"_s, u"add"_s, u"name"_s, m_bridge, u"type"_s, u"bridge"_s});
    if (err.isEmpty())
        err = claimSubnet(m_bridge);
    if (err.isEmpty())
        err = runCommand(u"ip"_s, {u"link"_s, u"set"_s, m_bridge, u"up"_s});
    if (!err.isEmpty())
        return u"cannot set up the test bridge: %1"_s.arg(err);
    const QString d = m_dir.path();
    const QStringList args{u"--storage-driver=vfs"_s,
                           u"--iptables=false"_s,
                           u"--ip6tables=false"_s,
                           u"--ip-masq=false"_s,
                           u"--bridge="_s + m_bridge,
                           u"-H"_s,
                           host(),
                           u"--data-root"_s,
                           d + u"/data"_s,
                           u"--exec-root"_s,
                           d + u"/exec"_s,
                           u"--pidfile"_s,
                           d + u"/docker.pid"_s,
                           u"--userland-proxy=true"_s};
    // dockerd names itself by the trust key in /etc/docker/key.json: several engines on one machine
    // would all have one ID. Each gets a mount namespace of its own in which /etc/docker is its own
    // directory (private, so nothing it mounts there shows on the host, and all of it goes with it).
    QDir().mkpath(d + u"/etc-docker"_s);
    QDir().mkpath(u"/etc/docker"_s);
    // Its temporary files (containerd's stack dumps) go with its directory, not into /tmp.
    QDir().mkpath(d + u"/tmp"_s);
    const QStringList wrapped =
        QStringList{u"--mount"_s,
                    u"--propagation"_s,
                    u"private"_s,
                    u"--"_s,
                    u"/bin/sh"_s,
                    u"-c"_s,
                    u"mount --bind \"$0\" /etc/docker && export TMPDIR=\"$0/../tmp\" && "
                    u"exec dockerd \"$@\""_s,
                    d + u"/etc-docker"_s} +
        args;
    if (!m_process.start(u"unshare"_s, wrapped, d + u"/dockerd.log"_s))
        return m_process.error();
    if (!waitUntil([this] { return !m_process.isRunning() || pingSocket(socketPath()); },
                   std::chrono::seconds(60)) ||
        !m_process.isRunning()) {
        const QString log = m_process.logTail(40);
        stop();
        return u"dockerd did not start:\n%1"_s.arg(log);
    }
    return QString();
}

void DockerDaemon::stop()
{
    if (m_process.isRunning()) {
        // Containers first, so that their shims and proxies are gone when the engine is.
        QByteArray ids;
        if (docker({u"ps"_s, u"-aq"_s}, &ids, 20000).isEmpty() && !ids.trimmed().isEmpty()) {
            QStringList args{u"rm"_s, u"-f"_s};
            for (const QByteArray& id : ids.trimmed().split('\n'))
                args << QString::fromLatin1(id.trimmed());
            docker(args, nullptr, 60000);
        }
    }
    m_process.stop(std::chrono::seconds(20));
    if (m_dir.isValid()) {
        ::umount2(QFile::encodeName(m_dir.path() + u"/exec/netns/default"_s).constData(), MNT_DETACH);
        ::umount2(QFile::encodeName(m_dir.path() + u"/data"_s).constData(), MNT_DETACH);
    }
    if (!m_bridge.isEmpty()) {
        runCommand(u"ip"_s, {u"link"_s, u"del"_s, m_bridge});
        m_bridge.clear();
    }
}

QString DockerDaemon::docker(const QStringList& args, QByteArray* out, int timeoutMs) const
{
    return runCommand(u"docker"_s, QStringList{u"-H"_s, host()} + args, out, timeoutMs);
}

QString DockerDaemon::importRootfs(const QString& rootfs, const QString& image, const QString& cmdJson) const
{
    const QString tarball =
        m_dir.path() + u"/"_s + QString(image).replace(u'/', u'_').replace(u':', u'_') + u".tar"_s;
    QString err = runCommand(u"tar"_s, {u"-C"_s, rootfs, u"-cf"_s, tarball, u"."_s});
    if (err.isEmpty())
        err = docker({u"import"_s, u"-c"_s, u"CMD "_s + cmdJson, tarball, image});
    QFile::remove(tarball);
    return err;
}

QString DockerDaemon::buildBackendImage()
{
    const QString rootfs = m_dir.path() + u"/rootfs-backend"_s;
    QDir().mkpath(rootfs + u"/www"_s);
    QDir().mkpath(rootfs + u"/tmp"_s);
    if (!copyFile(u"/bin/busybox"_s, rootfs + u"/bin/busybox"_s))
        return u"cannot copy /bin/busybox (install busybox-static)"_s;
    const QString cmd =
        uR"(["/bin/busybox","sh","-c","echo \"<h1>Running from Docker on lbdeck: ${LBDECK_BACKEND:-$(/bin/busybox hostname)}</h1>\" > /www/index.html && exec /bin/busybox httpd -f -p 80 -h /www"])"_s;
    return importRootfs(rootfs, backendImage(), cmd);
}

QString DockerDaemon::buildSilentImage()
{
    const QString rootfs = m_dir.path() + u"/rootfs-silent"_s;
    QDir().mkpath(rootfs + u"/tmp"_s);
    if (!copyFile(u"/bin/busybox"_s, rootfs + u"/bin/busybox"_s))
        return u"cannot copy /bin/busybox (install busybox-static)"_s;
    return importRootfs(rootfs, silentImage(), uR"(["/bin/busybox","sleep","600"])"_s);
}

QString DockerDaemon::buildNginxImage(const QString& listen)
{
    const QString rootfs = m_dir.path() + u"/rootfs-nginx"_s;
    QByteArray libs;
    QString err = runCommand(u"ldd"_s, {u"/usr/sbin/nginx"_s}, &libs);
    if (!err.isEmpty())
        return err;
    QStringList files{u"/usr/sbin/nginx"_s};
    for (const QByteArray& line : libs.split('\n')) {
        // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
        const QList<QByteArray> parts = line.trimmed().split(' ');
        for (const QByteArray& p : parts) {
            if (p.startsWith('/'))
                files << QString::fromLocal8Bit(p);
        }
    }
    for (const QString& f : std::as_const(files)) {
        if (!copyFile(QFileInfo(f).canonicalFilePath(), rootfs + f))
            return u"cannot copy %1 into the nginx image"_s.arg(f);
    }
    QDir().mkpath(rootfs + u"/etc"_s);
    err = runCommand(u"cp"_s, {u"-a"_s, u"/etc/nginx"_s, rootfs + u"/etc/"_s});
    if (!err.isEmpty())
        return err;
    for (const char* dir : {"/var/log/nginx", "/var/lib/nginx", "/run", "/tmp", "/usr/share/nginx/html"})
        QDir().mkpath(rootfs + QString::fromLatin1(dir));
    QFile passwd(rootfs + u"/etc/passwd"_s);
    passwd.open(QIODevice::WriteOnly);
    passwd.write("root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    passwd.close();
    QFile group(rootfs + u"/etc/group"_s);
    group.open(QIODevice::WriteOnly);
    group.write("root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n");
    group.close();
    // The host's nginx.conf pulls in modules-enabled and sites-enabled; the image starts minimal.
    QFile conf(rootfs + u"/etc/nginx/nginx.conf"_s);
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return u"cannot write the nginx image's nginx.conf: %1"_s.arg(conf.errorString());
    conf.write(
        "user www-data;\nworker_processes 1;\npid /run/nginx.pid;\nerror_log /var/log/nginx/error.log;\n"
        "events { worker_connections 256; }\n"
        "http { access_log off; server { listen " +
        listen.toUtf8() + "; location / { return 200 \"nginx in a container\\n\"; } } }\n");
    conf.close();
    return importRootfs(rootfs, nginxImage(), uR"(["/usr/sbin/nginx","-g","daemon off;"])"_s);
}

} // namespace lbdeck::testbed
