// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ProfileDialog.h"

#include "core/cluster/ProfileStore.h"
#include "core/http/HttpEndpoint.h"
#include "ui/SecretStore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QLineEdit* field(const QString& objectName, const QString& placeholder, QWidget* parent)
{
    auto* e = new QLineEdit(parent);
    e->setObjectName(objectName);
    e->setPlaceholderText(placeholder);
    e->setClearButtonEnabled(true);
    return e;
}

} // namespace

ProfileDialog::ProfileDialog(SecretStore* secrets, QWidget* parent)
    : QDialog(parent)
    , m_secrets(secrets)
{
    setObjectName(u"profileDialog"_s);
    setWindowTitle(tr("Cluster profile"));
    m_name = field(u"profileName"_s, tr("e.g. production"), this);
    m_endpoints = field(u"etcdEndpoints"_s, u"http://10.0.0.1:2379, http://10.0.0.2:2379"_s, this);
    m_api = new QComboBox(this);
    m_api->setObjectName(u"etcdApi"_s);
    m_api->addItem(tr("Detect"), u"auto"_s);
    m_api->addItem(tr("v3 (JSON gateway)"), u"v3"_s);
    m_api->addItem(tr("v2 (legacy keys API)"), u"v2"_s);
    m_caFile = field(u"etcdCaFile"_s, tr("CA certificate (PEM), for https endpoints"), this);
    m_certFile = field(u"etcdCertFile"_s, tr("client certificate (PEM), optional"), this);
    m_keyFile = field(u"etcdKeyFile"_s, tr("client key (PEM), optional"), this);
    m_user = field(u"etcdUser"_s, tr("empty: no authentication"), this);
    m_password = field(u"etcdPassword"_s, tr("kept in the keychain only"), this);
    m_password->setEchoMode(QLineEdit::Password);
    m_prefix = field(u"keyPrefix"_s, u"/test/"_s, this);

    auto* etcdBox = new QGroupBox(tr("etcd"), this);
    auto* etcdForm = new QFormLayout(etcdBox);
    etcdForm->addRow(tr("&Endpoints:"), m_endpoints);
    etcdForm->addRow(tr("&API:"), m_api);
    etcdForm->addRow(tr("CA &file:"), m_caFile);
    etcdForm->addRow(tr("Client &certificate:"), m_certFile);
    etcdForm->addRow(tr("Client &key:"), m_keyFile);
    etcdForm->addRow(tr("&User:"), m_user);
    etcdForm->addRow(tr("&Password:"), m_password);
    etcdForm->addRow(tr("Backend &prefix:"), m_prefix);

    m_nodes = new QTableWidget(0, 3, this);
    m_nodes->setObjectName(u"nodesTable"_s);
    m_nodes->setHorizontalHeaderLabels({tr("Node"), tr("Publish address"), tr("Docker endpoint")});
    m_nodes->horizontalHeader()->setStretchLastSection(true);
    m_nodes->verticalHeader()->hide();
    auto* addNode = new QPushButton(tr("Add &node"), this);
    addNode->setObjectName(u"addNodeButton"_s);
    connect(addNode, &QPushButton::clicked, this, [this] {
        addNodeRow({tr("node-%1").arg(m_nodes->rowCount() + 1), QString(), u"ssh://user@host"_s});
    });
    auto* removeNode = new QPushButton(tr("&Remove node"), this);
    connect(removeNode, &QPushButton::clicked, this, [this] {
        if (m_nodes->currentRow() >= 0)
            m_nodes->removeRow(m_nodes->currentRow());
    });
    m_image = field(u"backendImage"_s, u"lbdeck/backend:test"_s, this);
    m_containerPort = new QSpinBox(this);
    m_containerPort->setObjectName(u"containerPort"_s);
    m_containerPort->setRange(1, 65535);
    auto* nodesBox = new QGroupBox(tr("Nodes and backends"), this);
    auto* nodesLayout = new QVBoxLayout(nodesBox);
    nodesLayout->addWidget(m_nodes);
    auto* nodeButtons = new QHBoxLayout;
    nodeButtons->addWidget(addNode);
    nodeButtons->addWidget(removeNode);
    nodeButtons->addStretch();
    nodesLayout->addLayout(nodeButtons);
    auto* backendForm = new QFormLayout;
    backendForm->addRow(tr("Backend &image:"), m_image);
    backendForm->addRow(tr("Container p&ort:"), m_containerPort);
    nodesLayout->addLayout(backendForm);

    m_engineMode = new QComboBox(this);
    m_engineMode->setObjectName(u"engineMode"_s);
    m_engineMode->addItem(tr("lbdeck-engine on the load-balancer node"), u"remote"_s);
    m_engineMode->addItem(tr("Inside lbdeck"), u"embedded"_s);
    m_engineUrl = field(u"engineUrl"_s, u"http://127.0.0.1:9913"_s, this);
    m_engineConfig = field(u"engineConfig"_s, tr("lbdeck-engine.toml, for the engine inside lbdeck"), this);
    m_nginxUrl = field(u"nginxUrl"_s, u"http://10.0.0.1:80"_s, this);
    auto* lbBox = new QGroupBox(tr("Load balancer"), this);
    auto* lbForm = new QFormLayout(lbBox);
    lbForm->addRow(tr("E&ngine:"), m_engineMode);
    lbForm->addRow(tr("Engine &status URL:"), m_engineUrl);
    lbForm->addRow(tr("Engine &config:"), m_engineConfig);
    lbForm->addRow(tr("nginx &URL:"), m_nginxUrl);

    m_error = new QLabel(this);
    m_error->setObjectName(u"profileError"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #d32f2f"_s);
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(u"profileButtons"_s);
    auto* import = buttons->addButton(tr("&Import from environment"), QDialogButtonBox::ActionRole);
    import->setObjectName(u"importEnvironmentButton"_s);
    import->setToolTip(
        tr("ETCDCTL_ENDPOINTS, ETCDCTL_CACERT/CERT/KEY, DOCKER_HOST and the hosts in ~/.ssh/config"));
    connect(import, &QPushButton::clicked, this, &ProfileDialog::importEnvironment);
    connect(buttons, &QDialogButtonBox::accepted, this, &ProfileDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    auto* nameForm = new QFormLayout;
    nameForm->addRow(tr("&Name:"), m_name);
    layout->addLayout(nameForm);
    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(etcdBox);
    left->addWidget(lbBox);
    columns->addLayout(left);
    columns->addWidget(nodesBox, 1);
    layout->addLayout(columns);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setProfile(ClusterProfile());
}

void ProfileDialog::addNodeRow(const NodeProfile& node)
{
    const int row = m_nodes->rowCount();
    m_nodes->insertRow(row);
    m_nodes->setItem(row, 0, new QTableWidgetItem(node.name));
    m_nodes->setItem(row, 1, new QTableWidgetItem(node.publishAddress));
    m_nodes->setItem(row, 2, new QTableWidgetItem(node.dockerEndpoint));
}

void ProfileDialog::setProfile(const ClusterProfile& p)
{
    m_base = p; // what the dialog does not show is kept as it was
    m_name->setText(p.name);
    m_endpoints->setText(p.etcd.endpoints.join(u", "_s));
    m_api->setCurrentIndex(p.etcd.api == EtcdApi::V3 ? 1 : p.etcd.api == EtcdApi::V2 ? 2 : 0);
    m_caFile->setText(p.etcd.tls.caFile);
    m_certFile->setText(p.etcd.tls.certFile);
    m_keyFile->setText(p.etcd.tls.keyFile);
    m_user->setText(p.etcd.user);
    m_password->clear();
    m_prefix->setText(QString::fromUtf8(p.prefix));
    m_nodes->setRowCount(0);
    for (const NodeProfile& n : p.nodes)
        addNodeRow(n);
    m_image->setText(p.backends.image);
    m_containerPort->setValue(p.backends.containerPort);
    m_engineMode->setCurrentIndex(p.balancer.engine == BalancerProfile::Engine::Embedded ? 1 : 0);
    m_engineUrl->setText(p.balancer.engineStatusUrl);
    m_engineConfig->setText(p.balancer.engineConfigFile);
    m_nginxUrl->setText(p.balancer.nginxUrl);
}

ClusterProfile ProfileDialog::profile() const
{
    ClusterProfile p = m_base;
    p.etcd.endpoints.clear();
    p.nodes.clear();
    p.name = m_name->text().trimmed();
    for (const QString& e : m_endpoints->text().split(u',', Qt::SkipEmptyParts))
        p.etcd.endpoints << e.trimmed();
    const QString api = m_api->currentData().toString();
    p.etcd.api = api == u"v3"_s ? EtcdApi::V3 : api == u"v2"_s ? EtcdApi::V2 : EtcdApi::Auto;
    p.etcd.tls =
        TlsFiles{m_caFile->text().trimmed(), m_certFile->text().trimmed(), m_keyFile->text().trimmed(), {}};
    p.etcd.user = m_user->text().trimmed();
    p.prefix = m_prefix->text().trimmed().toUtf8();
    for (int r = 0; r < m_nodes->rowCount(); ++r) {
        auto text = [&](int c) {
            return m_nodes->item(r, c) ? m_nodes->item(r, c)->text().trimmed() : QString();
        };
        p.nodes.append({text(0), text(1), text(2)});
    }
    p.backends.image = m_image->text().trimmed();
    p.backends.containerPort = m_containerPort->value();
    p.balancer.engine = m_engineMode->currentData().toString() == u"embedded"_s
                            ? BalancerProfile::Engine::Embedded
                            : BalancerProfile::Engine::Remote;
    p.balancer.engineStatusUrl = m_engineUrl->text().trimmed();
    p.balancer.engineConfigFile = m_engineConfig->text().trimmed();
    p.balancer.nginxUrl = m_nginxUrl->text().trimmed();
    return p;
}

QString ProfileDialog::validate() const
{
    const ClusterProfile p = profile();
    if (p.name.isEmpty())
        return tr("Give the profile a name.");
    if (p.etcd.endpoints.isEmpty())
        return tr("Enter at least one etcd endpoint, e.g. http://10.0.0.1:2379.");
    for (const QString& e : p.etcd.endpoints) {
        if (Result<HttpEndpoint> ep = HttpEndpoint::parse(e); !ep)
            return tr("etcd endpoint: %1").arg(ep.error().toString());
    }
    if (!p.prefix.startsWith('/'))
        return tr("The backend prefix starts with '/', like the seed's /test/.");
    for (const NodeProfile& n : p.nodes) {
        if (n.name.isEmpty() || n.dockerEndpoint.isEmpty())
            return tr("Every node needs a name and a Docker endpoint (unix://, ssh:// or tcp://).");
        if (!n.dockerEndpoint.startsWith(u"unix://"_s) && !n.dockerEndpoint.startsWith(u"ssh://"_s) &&
            !n.dockerEndpoint.startsWith(u"tcp://"_s))
            return tr("Node %1: the Docker endpoint is written as Docker writes it: "
                      "unix:///var/run/docker.sock, "
                      "ssh://user@host or tcp://host:2376.")
                .arg(n.name);
    }
    if (!m_password->text().isEmpty() && p.etcd.user.isEmpty())
        return tr("A password needs a user.");
    return QString();
}

void ProfileDialog::save()
{
    const QString problem = validate();
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    const ClusterProfile p = profile();
    if (Result<void> stored = ProfileStore().save(p); !stored) {
        m_error->setText(tr("Could not save the profile: %1").arg(stored.error().toString()));
        m_error->show();
        return;
    }
    const QString password = m_password->text();
    if (password.isEmpty() || !m_secrets) {
        Q_EMIT saved(p);
        accept();
        return;
    }
    setEnabled(false);
    m_secrets->write(SecretStore::etcdPasswordKey(p.name), password, this, [this, p](const Result<void>& r) {
        setEnabled(true);
        if (!r) {
            // The profile is saved without it: nothing falls back to a file.
            m_error->setText(
                tr("The profile is saved, but the password is not: %1").arg(r.error().toString()));
            m_error->show();
            return;
        }
        m_password->clear();
        Q_EMIT saved(p);
        accept();
    });
}

void ProfileDialog::importEnvironment()
{
    ClusterProfile imported = ProfileStore::fromEnvironment();
    imported.name = m_name->text().isEmpty() ? imported.name : m_name->text();
    imported.prefix = m_prefix->text().toUtf8();
    imported.balancer = profile().balancer;
    setProfile(imported);
}

} // namespace lbdeck
